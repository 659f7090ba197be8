"""`python -m bot reviews`: the terms due for review, verified dates written back into the term files, and
the weekly digest sent on demand (for a scheduler outside the bot)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..config import Settings
from ..glossary.load import load_glossary
from ..governance.digest import due_terms
from ..governance.service import lookup_counts
from ..governance.writeback import to_write, write_dates
from ..runtime import Runtime

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_reviews(args: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime.open(settings)
    glossary, governance = runtime.glossary, runtime.governance
    due = due_terms(glossary, governance.states(glossary), governance.ownership(glossary), lookup_counts(runtime))
    if args.json:
        rows = [
            {
                "slug": d.term.slug,
                "term": d.term.term,
                "owners": list(d.owners),
                "last_verified": d.state.as_dict()["last_verified"],
                "due_since": d.state.as_dict()["due_since"],
                "lookups": d.lookups,
            }
            for d in due
        ]
        print(json.dumps({"terms": rows}, indent=2, ensure_ascii=False))
        return EXIT_OK
    for d in due:
        owners = ", ".join(d.owners) or "no owner"
        print(f"{d.term.term}: due since {d.state.due_since or '?'} ({d.lookups} lookups; {owners})")
    print(f"{len(due)} of {len(glossary)} terms due for review.")
    return EXIT_OK


def cmd_reviews_apply(args: argparse.Namespace, settings: Settings) -> int:
    runtime = Runtime.open(settings)
    # The term files are read from the folder given, not from the glossary index in DATA_DIR: two checkouts
    # sharing one DATA_DIR share that index, and its file paths may be the other checkout's.
    folder = settings.glossary_dir
    terms = load_glossary(folder, max_file_bytes=settings.glossary_max_file_bytes).terms
    pending = to_write(terms, runtime.governance.verifications())
    done, problems = write_dates(pending, Path(args.out) if args.out else None, inside=folder)
    for w in done:
        print(f"{os.path.realpath(w.path)}: last_reviewed {w.before} -> {w.after.isoformat()}")
    for problem in problems:
        print(f"glossary-bot: not changed: {problem}", file=sys.stderr)
    where = args.out or settings.glossary_dir
    print(f"{len(done)} term files updated in {where}. Review the change and commit it as a pull request.")
    return EXIT_FAILED if problems else EXIT_OK


def cmd_reviews_send(args: argparse.Namespace, settings: Settings) -> int:
    from ..slack.app import make_client
    from ..slack.kit.reviewers import Reviewers
    from ..slack.outbox.client import delivery_client
    from ..slack.outbox.pending import deliver_pending
    from ..slack.requests import letters
    from ..slack.reviews.schedule import instance_name, send_digests

    settings.require("SLACK_BOT_TOKEN")
    runtime = Runtime.open(settings)
    client = make_client(settings)
    run = send_digests(client, runtime, Reviewers(client, settings.reviewers).members, holder=instance_name())
    deliver_pending(runtime, delivery_client(settings), letters)  # no server may be running to send the letters
    if not run.claimed:
        print(f"The digest for week {run.week} was already sent (or is being sent) by another instance.")
        return EXIT_OK
    print(f"Sent the review digest for week {run.week} to {len(run.sent_to)} owners.")
    return EXIT_OK


def cmd_reviews_adopt(args: argparse.Namespace, settings: Settings) -> int:
    """Thin: the rules live in governance/adopt.py. Needs no database and no Slack token."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from ..governance.adopt import CannotAdopt, apply_adoption, plan_adoption

    today = dt.datetime.now(ZoneInfo(settings.digest_tz)).date()  # the team's day, as reviews counts it
    try:
        plan = plan_adoption(settings.glossary_dir, settings.owners_file, args.owner, args.status, today)
    except CannotAdopt as exc:
        print(f"glossary-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    changes = ([plan.owners] if plan.owners else []) + plan.terms
    written = [c.path for c in changes] if args.dry_run else apply_adoption(plan)
    verb = "would change" if args.dry_run else "changed"
    for change in changes:
        if change.path in written:
            print(f"{change.path}: {'; '.join(change.changes) or 'created'}")
    for problem in plan.refused:
        print(f"glossary-bot: not changed: {problem}", file=sys.stderr)
    print(
        f"{len(written)} files {verb} ({plan.unchanged} term files already as asked or deprecated); "
        f"terms are {args.status} as of {today.isoformat()} and every category has an owner. "
        + ("Run again without --dry-run to write." if args.dry_run else "Review the change and commit it.")
    )
    return EXIT_FAILED if plan.refused else EXIT_OK


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("reviews", parents=[common], help="terms due for review; write verified dates; send digests")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_reviews)
    reviews_sub = p.add_subparsers(dest="reviews_command", metavar="ACTION")
    q = reviews_sub.add_parser("apply", parents=[common], help="write dates verified in Slack into last_reviewed")
    q.add_argument("--out", metavar="DIR", help="write changed copies here instead of changing the term files")
    q.set_defaults(func=cmd_reviews_apply)
    q = reviews_sub.add_parser("adopt", parents=[common], help="reset statuses and dates, set a default owner")
    q.add_argument("--owner", required=True, metavar="ID", help="Slack user or group id owning unowned categories")
    q.add_argument("--status", choices=("draft", "reviewed"), default="draft", help="status to start from")
    q.add_argument("--dry-run", action="store_true", help="print what would change and write nothing")
    q.set_defaults(func=cmd_reviews_adopt)
    q = reviews_sub.add_parser("send", parents=[common], help="send this week's review digests now")
    q.set_defaults(func=cmd_reviews_send)
    from .pull_commands import add_reviews_parser  # `reviews pr` lives with the other pull request commands

    add_reviews_parser(reviews_sub, common)
