"""The command line: check, define, ask, search, explain, serve, mcp here; stats, db, requests and outbox in
state_commands.py; reviews in review_commands.py. One function per subcommand.

Exit codes: 0 done, 1 a miss or a glossary with errors, 2 a usage or settings error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from ..answers.cards import Reading, attribution_line, build_card, reading_dict
from ..config import Settings, SettingsError
from ..glossary.live import open_glossary
from ..glossary.load import load_glossary
from ..glossary.lookup import Glossary
from ..glossary.model import Framing, LoadResult, LookupStatus, Problem, Severity, one_line
from ..glossary.names import normalise
from ..glossary.roles import read_roles
from ..glossary.sidecar import load_terminology
from ..governance.owners import check_names, load_owners
from ..governance.service import Governance
from ..startup import StartupError, explain_failure, say_settings_problem, settings_or_exit
from ..state.migrations import StateSchemaError
from ..state.team import TeamUnknown
from . import exchange_commands, pull_commands, review_commands, state_commands
from .terminal import SMALL_TALK, card_text, result_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Commands that answer from the term files: without them they would answer from an empty glossary.
READS_THE_GLOSSARY = ("check", "define", "ask", "search", "explain", "mcp", "reviews")

SIDECAR_HELP = """\
The terminology sidecar (optional; the 15 keys of a term file never change):

  channels:                      # channel ID -> domains: the sense a card shows first there
    C0123ABCD: [people]
  terms:
    evaluation:                  # a term's slug (its file name without .yml)
      sense: {name: model evaluation, domains: [engineering], roles: [engineering]}
      senses:                    # other senses, in the glossary's order
        - key: performance-review
          name: performance review
          short_def: "A manager's periodic assessment of a person's work."
          audiences: {exec: "...", engineer: "..."}   # optional
          domains: [people]
          roles: [product]
      labels:                    # usage: preferred | admitted | deprecated | forbidden
        - {label: model testing, usage: deprecated, why: "it sounds like unit tests"}
      languages:                 # BCP 47 tags
        fr: {term: évaluation, aliases: [évals], short_def: "...", audiences: {exec: "...", engineer: "..."}}

A discouraged label answers with its term ("We say evaluation, not model testing: ...").
An entry with an error is left out and named with file and line; every other entry still applies.
"""


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.dir) if args.dir else settings.glossary_dir
    try:
        result = load_glossary(directory, max_file_bytes=settings.glossary_max_file_bytes)
        # The side files are checked beside the terms, each problem naming its own file and line.
        owners, problems = load_owners(settings.owners_file)
        _, role_problems = read_roles(settings.roles_file)
        result.problems += problems + check_names(owners, result.terms) + role_problems
        sidecar = Path(args.terminology) if args.terminology else _sidecar_for(settings, directory)
        result.problems += load_terminology(sidecar, {t.slug: t for t in result.terms}).problems
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


def _sidecar_for(settings: Settings, directory: Path) -> Path:
    """The folder checked has its own sidecar beside it, unless TERMINOLOGY_FILE names one."""
    return settings.terminology_file or directory.parent / "terminology.yml"


def _glossary(settings: Settings) -> Glossary:
    glossary, report = open_glossary(
        settings.glossary_dir,
        settings.glossary_db,
        max_file_bytes=settings.glossary_max_file_bytes,
        terminology_file=settings.terminology_path,
    )
    errors = [p for p in report.problems if p.severity == Severity.ERROR]
    if errors:
        print(
            f"glossary-bot: {len(errors)} glossary files have errors and were left out; run `check` to see them",
            file=sys.stderr,
        )
    return glossary


def _governance(settings: Settings) -> Governance:
    """Review states for the command line: verifications from the state database when there is one. A
    SQLite file that does not exist yet is not created just to say that nothing was verified."""
    from zoneinfo import ZoneInfo

    from ..state.store import Store

    tz = ZoneInfo(settings.digest_tz)
    if not settings.database_url and not (settings.data_dir / "state.db").exists():
        return Governance(settings.owners_file, None, tz)
    return Governance(settings.owners_file, Store(settings.state_url, settings.home_team), tz)


def cmd_define(args: argparse.Namespace, settings: Settings) -> int:
    query = " ".join(args.term)
    glossary = _glossary(settings)
    result = glossary.find(query)
    if result.term is None:  # as /define: "RAG vs fine-tuning" names two terms, compared side by side
        result = glossary.compare(query) or result
    governance = _governance(settings)
    review = governance.state(result.term) if result.term else None
    card = None
    if result.term:
        card = build_card(
            glossary,
            result.term,
            framing=Framing(args.framing) if args.framing else None,
            role=read_roles(settings.roles_file)[0].get(args.role or ""),
            expanded=args.more,
            attribution=attribution_line(settings.glossary_name, settings.license),
            docs_url=settings.glossary_url,
            review=review,
            today=governance.today(),
            reading=Reading(args.channel or "", args.sense or "", args.lang or "", result.usage),
        )
    if args.json:
        # A hit also says whether the term is due for review, who last verified it, and the sense shown.
        extra = {**(review.as_dict() if review else {}), **(reading_dict(card) if card else {})}
        print(json.dumps({**result.as_dict(), **extra}, indent=2, ensure_ascii=False))
    elif card:
        print(card_text(card))
    else:
        print(result_text(result))
    return EXIT_FAILED if result.status == LookupStatus.MISS else EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """What an @-mention or a DM would answer: the define JSON plus the framing, or a comparison."""
    from ..answers.ask import Asked, answer_question

    glossary = _glossary(settings)
    reply = answer_question(glossary, " ".join(args.text))
    result = reply.result
    if reply.ask.action == Asked.SMALL_TALK and not args.json:
        print(SMALL_TALK)  # a "thanks!" asked for no term: not a miss
        return EXIT_OK
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
        print(result_text(result, reply.asked))
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
    from ..mcp.server import run

    return run(settings, http=args.http, host=args.host)


def cmd_serve(args, settings: Settings) -> int:
    from ..http.serve import serve

    return serve(settings)


def _add_check(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate the glossary files and list every problem",
        description="Validate every term file, the owners file and the terminology sidecar; one line per problem.",
        epilog=SIDECAR_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", nargs="?", help="folder of term files (default: the glossary folder)")
    p.add_argument(
        "--terminology",
        metavar="FILE",
        help="the sidecar of senses, usage and languages (default: $TERMINOLOGY_FILE, or terminology.yml "
        "beside the term folder)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_check)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--glossary", metavar="DIR", help="folder of term files (default: $GLOSSARY_DIR or data/terms)")
    parser = argparse.ArgumentParser(
        prog="glossary-bot", description="A team's AI glossary, in Slack and in the terminal."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add_check(sub, common)

    p = sub.add_parser("define", parents=[common], help="show a term's card")
    p.add_argument("term", nargs="+", help="a term name, alias or close spelling")
    p.add_argument("--framing", choices=[f.value for f in Framing], help="show only this framing")
    p.add_argument("--more", action="store_true", help="include the long definition, examples and governance")
    p.add_argument("--channel", help="a Slack channel ID: its domains (terminology.yml) pick the sense shown first")
    p.add_argument("--role", help="a role key (engineering, product…): picks the sense when no channel does")
    p.add_argument("--sense", help="show this sense (its key in terminology.yml)")
    p.add_argument("--lang", help="a BCP 47 tag (fr, de): the card in that language when the glossary has it")
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

    state_commands.add_parser(sub, common)
    review_commands.add_parser(sub, common)
    pull_commands.add_parser(sub, common)
    exchange_commands.add_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # An entry point, so the working folder's .env is read here (in bot/startup.py) and nowhere else.
    settings = settings_or_exit(exit_code=EXIT_USAGE)
    if args.glossary:
        settings = replace(settings, glossary_dir=Path(args.glossary))
    if args.command in READS_THE_GLOSSARY:  # serve checks it after its tokens, which it names first
        try:
            settings.require_glossary_folder(Path(args.dir) if getattr(args, "dir", None) else None)
        except SettingsError as exc:
            say_settings_problem(exc)
            return EXIT_USAGE
    logging.basicConfig(
        level=logging.WARNING if args.command != "serve" else settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.func(args, settings)
        sys.stdout.flush()  # here, so a reader that went away is met inside this try, not at exit
        return code
    except (SettingsError, StateSchemaError, TeamUnknown) as exc:
        say_settings_problem(exc)
        return EXIT_USAGE
    except StartupError as exc:
        say_settings_problem(exc)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`define … | head`): nothing of ours failed, and nothing is left to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        # A setting that names something wrong or unreachable is one line; anything else is a bug and
        # keeps its traceback (raised once, by Python).
        known = explain_failure(exc, settings)
        if known is None:
            raise
        say_settings_problem(known)
        return known.exit_code
