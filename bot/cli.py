"""The command line: check, define, ask, search, explain, serve, mcp, db, requests. One function per subcommand.

Exit codes: 0 done, 1 a miss or a glossary with errors, 2 a usage or settings error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

from .cards import attribution_line, build_card
from .config import Settings, SettingsError
from .glossary.live import open_glossary
from .glossary.load import load_glossary
from .glossary.lookup import Glossary
from .glossary.model import Framing, LoadResult, LookupStatus, Problem, Severity, one_line
from .glossary.names import normalise
from .startup import say_settings_problem, settings_or_exit
from .state.migrations import StateSchemaError
from .terminal import card_text, result_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.dir) if args.dir else settings.glossary_dir
    try:
        result = load_glossary(directory, max_file_bytes=settings.glossary_max_file_bytes)
    except Exception as exc:  # a bug, not a bad file: still the report a CI job parses, and exit 1
        logging.getLogger(__name__).debug("check failed", exc_info=True)
        message = f"could not be checked ({type(exc).__name__}: {exc}); please report this"
        result = LoadResult(problems=[Problem(Severity.ERROR, str(directory), "", message)])
    if args.json:
        print(
            json.dumps(
                {
                    "terms": len(result.terms),
                    "errors": [p.as_dict() for p in result.errors],
                    "warnings": [p.as_dict() for p in result.warnings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for problem in result.problems:
            print(problem)  # one line each, control characters escaped (Problem.__str__)
        counts = f"{len(result.terms)} terms loaded, {len(result.errors)} errors, {len(result.warnings)} warnings"
        print(one_line(f"{directory}: {counts}"))
    return EXIT_FAILED if result.errors else EXIT_OK


def _glossary(settings: Settings) -> Glossary:
    glossary, report = open_glossary(
        settings.glossary_dir, settings.glossary_db, max_file_bytes=settings.glossary_max_file_bytes
    )
    errors = [p for p in report.problems if p.severity == Severity.ERROR]
    if errors:
        print(
            f"glossary-bot: {len(errors)} glossary files have errors and were left out; run `check` to see them",
            file=sys.stderr,
        )
    return glossary


def cmd_define(args: argparse.Namespace, settings: Settings) -> int:
    query = " ".join(args.term)
    glossary = _glossary(settings)
    result = glossary.find(query)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    elif result.term:
        framing = Framing(args.framing) if args.framing else None
        card = build_card(
            glossary,
            result.term,
            framing=framing,
            expanded=args.more,
            attribution=attribution_line(settings.glossary_name, settings.license),
            docs_url=settings.glossary_url,
        )
        print(card_text(card))
    else:
        print(result_text(result))
    return EXIT_FAILED if result.status == LookupStatus.MISS else EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """What an @-mention or a DM would answer: the define JSON plus the framing, or a comparison."""
    from .ask import answer_question

    glossary = _glossary(settings)
    reply = answer_question(glossary, " ".join(args.text))
    result = reply.result
    if args.json:
        out = {**result.as_dict(), "framing": reply.framing.value if reply.framing else None}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    elif result.term:
        card = build_card(
            glossary,
            result.term,
            framing=reply.framing,
            attribution=attribution_line(settings.glossary_name, settings.license),
            docs_url=settings.glossary_url,
        )
        print(card_text(card))
    else:
        print(result_text(result))
    return EXIT_FAILED if result.status == LookupStatus.MISS else EXIT_OK


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    query = " ".join(args.query)
    result = _glossary(settings).search(query)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    elif result.matches:
        for m in result.matches:
            print(f"{m.term.term}: {m.term.short_def}")
    else:
        print(f"No term mentions '{query}'.")
    return EXIT_FAILED if result.status == LookupStatus.MISS else EXIT_OK


def cmd_explain(args: argparse.Namespace, settings: Settings) -> int:
    text = sys.stdin.read() if args.text in ([], ["-"]) else " ".join(args.text)
    found = _glossary(settings).scan(text)
    if args.json:
        print(json.dumps([f.as_dict() for f in found], indent=2, ensure_ascii=False))
    elif found:
        for f in found:
            written = f.occurrences[0].text
            seen = "" if normalise(written) == normalise(f.term.term) else f" (as '{written}')"
            print(f"{f.term.term}{seen}: {f.term.short_def}")
    else:
        print("No glossary term found in the text. `python -m bot search WORDS` looks in the definitions.")
    return EXIT_OK if found else EXIT_FAILED


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    from .mcp.server import run

    return run(settings, http=args.http, host=args.host)


def cmd_serve(args, settings: Settings) -> int:
    from .serve import serve

    return serve(settings)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import OperationalError

    from .state.migrations import StateSchemaError, upgrade
    from .state.store import make_engine

    engine = make_engine(settings.state_url)
    try:
        done = upgrade(engine)
    except (StateSchemaError, OperationalError) as exc:
        print(f"glossary-bot: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    if done.changed:
        print(f"State database upgraded from {done.before.describe()} to revision {done.after}.")
    else:
        print(f"State database is up to date (revision {done.after}).")
    return EXIT_OK


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import OperationalError

    from .state.migrations import current_revision, head
    from .state.store import make_engine

    engine = make_engine(settings.state_url)
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        print(f"glossary-bot: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    newest = head()
    status = "up to date" if revision == newest else f"behind, this release needs {newest}: run `db upgrade`"
    print(f"State database at {f'revision {revision}' if revision else 'no version'}: {status}.")
    return EXIT_OK if revision == newest else EXIT_FAILED


def _one_line(exc: Exception) -> str:
    # A database driver's message can span lines (and SQLAlchemy appends a link); people need the first.
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0]


def cmd_requests_export(args, settings: Settings) -> int:
    from .state.store import Store
    from .term_requests.book import RequestBook
    from .term_requests.export import to_csv, to_json
    from .term_requests.rules import STATUS_FILTER_WORDS, parse_status_filter

    # The same words as `/define requests …`: "in review", "in_review", "active", "all"; no --status is all.
    wanted = parse_status_filter(args.status or "all")
    if wanted is None:
        print(
            f"glossary-bot: unknown status {args.status!r}; use one of {', '.join(STATUS_FILTER_WORDS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    book = RequestBook(Store(settings.state_url))
    found = book.list(statuses=wanted.statuses)
    sys.stdout.write(to_csv(found) if args.format == "csv" else to_json(found) + "\n")
    return EXIT_OK


def cmd_requests_draft(args, settings: Settings) -> int:
    from .state.store import Store
    from .term_requests.book import RequestBook
    from .term_requests.drafts import DraftRefused, write_draft

    book = RequestBook(Store(settings.state_url))
    try:
        request = book.get(args.number)
    except LookupError as exc:
        print(f"glossary-bot: {exc} `python -m bot requests export` lists them.", file=sys.stderr)
        return EXIT_FAILED
    out = Path(args.out) if args.out else settings.glossary_dir
    try:
        path = write_draft(request, out)
    except DraftRefused as exc:
        print(f"glossary-bot: request #{request.id}: {exc}; write the file by hand", file=sys.stderr)
        return EXIT_USAGE
    except FileExistsError as exc:
        print(f"glossary-bot: {one_line(str(exc.filename))} already exists; move it or pass --out DIR", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        where = one_line(str(exc.filename or out))
        print(f"glossary-bot: cannot write the draft to {where} ({exc.strerror}); pass --out DIR", file=sys.stderr)
        return EXIT_FAILED
    print(one_line(f"Wrote {path}. Replace every TODO, then run `python -m bot check`."))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--glossary", metavar="DIR", help="folder of term files (default: $GLOSSARY_DIR or data/terms)")
    parser = argparse.ArgumentParser(
        prog="glossary-bot", description="A team's AI glossary, in Slack and in the terminal."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", parents=[common], help="validate the glossary files and list every problem")
    p.add_argument("dir", nargs="?", help="folder of term files (default: the glossary folder)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("define", parents=[common], help="show a term's card")
    p.add_argument("term", nargs="+", help="a term name, alias or close spelling")
    p.add_argument("--framing", choices=[f.value for f in Framing], help="show only this framing")
    p.add_argument("--more", action="store_true", help="include the long definition, examples and governance")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_define)

    p = sub.add_parser("ask", parents=[common], help="answer a question as a mention or DM would")
    p.add_argument("text", nargs="+", help='a question: "what is a kv cache", "rag vs fine-tuning", "lora for execs"')
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("search", parents=[common], help="list terms whose text mentions the words")
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("explain", parents=[common], help="every glossary term named in a text, with its definition")
    p.add_argument("text", nargs="*", help="the text to explain; - or nothing reads it from standard input")
    p.add_argument("--json", action="store_true", help="machine-readable output, with where each term occurs")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("mcp", parents=[common], help="serve the glossary to AI agents over MCP (stdio, or --http)")
    p.add_argument("--http", action="store_true", help="streamable HTTP on $MCP_PORT instead of standard input/output")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind with --http (default: loopback; others need MCP_TOKEN)"
    )
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser(
        "serve", parents=[common], help="run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)"
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("db", parents=[common], help="the state database's schema: upgrade it, or show its revision")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    q = db_sub.add_parser("upgrade", parents=[common], help="apply pending schema migrations (safe to run twice)")
    q.set_defaults(func=cmd_db_upgrade)
    q = db_sub.add_parser("current", parents=[common], help="print the schema revision; exit 1 if behind")
    q.set_defaults(func=cmd_db_current)

    p = sub.add_parser("requests", parents=[common], help="term requests: export them, or draft a term file from one")
    requests_sub = p.add_subparsers(dest="requests_command", required=True, metavar="ACTION")
    q = requests_sub.add_parser("export", parents=[common], help="every request with its answers and votes")
    q.add_argument(
        "--status", help='only requests with this status: open, drafting, "in review", published, …, active, all'
    )
    q.add_argument("--format", choices=["csv", "json"], default="csv")
    q.set_defaults(func=cmd_requests_export)
    q = requests_sub.add_parser("draft", parents=[common], help="write a draft term file from request N")
    q.add_argument("number", type=int)
    q.add_argument("--out", metavar="DIR", help="folder to write into (default: the glossary folder)")
    q.set_defaults(func=cmd_requests_draft)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # An entry point, so the working folder's .env is read here (in bot/startup.py) and nowhere else.
    settings = settings_or_exit(exit_code=EXIT_USAGE)
    if args.glossary:
        settings = replace(settings, glossary_dir=Path(args.glossary))
    logging.basicConfig(
        level=logging.WARNING if args.command != "serve" else settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args, settings)
    except (SettingsError, StateSchemaError) as exc:
        say_settings_problem(exc)
        return EXIT_USAGE
