"""The commands over the state database: `stats`, `db upgrade|current`, `requests export|draft`, `outbox`.

Each opens only what it needs (no Slack setting), and every failure of a setting is one line (bot/startup.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path

from ..config import Settings
from ..glossary.model import one_line
from ..state.team import Team

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import OperationalError

    from ..state.migrations import StateNeedsTeam, StateSchemaError, upgrade
    from ..state.store import make_engine

    team = settings.home_team
    if args.team:  # --team wins over SLACK_TEAM_ID: the installing team, given the rows made before teams
        if not re.fullmatch(r"[TE][A-Z0-9]{2,31}", args.team):
            print(f"glossary-bot: --team must be a Slack team id such as T0123ABCD, not {args.team!r}", file=sys.stderr)
            return EXIT_USAGE
        team = Team.of(args.team, settings.slack_enterprise_id or None)
    engine = make_engine(settings.state_url)
    try:
        try:
            done = upgrade(engine, team)
        except StateNeedsTeam:
            if team is not None or not (asked := _installing_team(settings)):
                raise
            done = upgrade(engine, asked)  # the bot token's own workspace, as a starting bot would ask
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


def _installing_team(settings: Settings) -> Team | None:
    """The bot token's team (Slack's auth.test), when no team was given; None without a token or a Slack."""
    from ..startup import with_home_team

    try:
        return with_home_team(settings).home_team
    except Exception as exc:  # noqa: BLE001 - no Slack to ask: the upgrade says what to set if it needs a team
        log.warning("could not ask Slack which team the bot token is for: %s", _one_line(exc))
        return None


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import OperationalError

    from ..state.migrations import current_revision, head
    from ..state.store import make_engine

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
    from ..state.store import Store
    from ..term_requests.book import RequestBook
    from ..term_requests.export import to_csv, to_json
    from ..term_requests.rules import STATUS_FILTER_WORDS, parse_status_filter

    # The same words as `/define requests …`: "in review", "in_review", "active", "all"; no --status is all.
    wanted = parse_status_filter(args.status or "all")
    if wanted is None:
        print(
            f"glossary-bot: unknown status {args.status!r}; use one of {', '.join(STATUS_FILTER_WORDS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    book = RequestBook(Store(settings.state_url, settings.home_team))
    found = book.list(statuses=wanted.statuses)
    histories = {r.id: book.history(r.id) for r in found} if args.history else None
    sys.stdout.write(to_csv(found, histories) if args.format == "csv" else to_json(found, histories) + "\n")
    return EXIT_OK


def cmd_requests_draft(args, settings: Settings) -> int:
    from ..state.store import Store
    from ..term_requests.book import RequestBook
    from ..term_requests.drafts import DraftRefused, write_draft

    book = RequestBook(Store(settings.state_url, settings.home_team))
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


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from ..answers.lookup_stats import MAX_DAYS
    from ..runtime import Runtime
    from .terminal import stats_text

    most = min(MAX_DAYS, settings.lookup_retention_days)  # older lookups are purged: no quiet shorter window
    if not 1 <= args.days <= most:
        kept = f" (LOOKUP_RETENTION_DAYS keeps {most} days)" if most < MAX_DAYS else ""
        print(f"glossary-bot: --days must be from 1 to {most}{kept}, not {args.days}", file=sys.stderr)
        return EXIT_USAGE
    runtime = Runtime.open(settings)
    try:
        stats = runtime.lookup_stats(args.days)
    finally:
        runtime.close()
    print(json.dumps(stats.as_dict(), indent=2, ensure_ascii=False) if args.json else stats_text(stats))
    return EXIT_OK


def cmd_outbox(args, settings: Settings) -> int:
    """Letters waiting or dead in the outbox; --retry sends the dead ones again."""
    from ..state.outbox import Outbox
    from ..state.store import Store

    store = Store(settings.state_url, settings.home_team)
    try:
        outbox = Outbox(store)
        requeued = outbox.requeue_dead() if args.retry else 0
        letters = outbox.letters()
    finally:
        store.close()
    if args.json:
        rows = [
            {
                "id": x.id,
                "kind": x.kind,
                "request": x.request_id,
                "status": x.status,
                "attempts": x.attempts,
                "last_error": x.last_error,
                "created_at": x.created_at.isoformat(),
                "due_at": x.due_at.isoformat(),
            }
            for x in letters
        ]
        print(json.dumps({"requeued": requeued, "letters": rows}, indent=2, ensure_ascii=False))
        return EXIT_OK
    if args.retry:
        print(f"Requeued {requeued} dead letter{'s' if requeued != 1 else ''}; the running bot sends them shortly.")
    for x in letters:
        about = f" request #{x.request_id}" if x.request_id else ""
        error = f": {x.last_error}" if x.last_error else ""
        print(f"#{x.id} {x.status} {x.kind}{about}, {x.attempts} tries{error}".replace("\n", " "))
    dead = sum(x.status == "dead" for x in letters)
    print(
        f"{len(letters) - dead} waiting, {dead} dead."
        + (" `outbox --retry` sends the dead ones again." if dead else "")
    )
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "stats", parents=[common], help="what people looked up: hit rate, surfaces, top terms, top misses"
    )
    p.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("db", parents=[common], help="the state database's schema: upgrade it, or show its revision")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    q = db_sub.add_parser("upgrade", parents=[common], help="apply pending schema migrations (safe to run twice)")
    q.add_argument("--team", help="the team id (T…) that installed the bot: rows from before teams go to it")
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
    q.add_argument("--history", action="store_true", help="add each request's history: who did what, when")
    q.set_defaults(func=cmd_requests_export)
    q = requests_sub.add_parser("draft", parents=[common], help="write a draft term file from request N")
    q.add_argument("number", type=int)
    q.add_argument("--out", metavar="DIR", help="folder to write into (default: the glossary folder)")
    q.set_defaults(func=cmd_requests_draft)

    p = sub.add_parser("outbox", parents=[common], help="Slack messages waiting to be sent, or dead; --retry resends")
    p.add_argument("--retry", action="store_true", help="send every dead letter again (their tries start over)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_outbox)
