"""`python -m bot reviews pr` (a batch of "Still accurate" as one pull request) and `python -m bot owners
codeowners` (a CODEOWNERS file from data/owners.yml, or --check that the committed one is current)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..glossary.load import load_glossary
from ..governance.codeowners import codeowners_text
from ..governance.owners import Ownership, load_owners
from ..pulls.delivery import PullDelivery, deliver_pending, host_from_settings
from ..pulls.service import PullRefused
from ..runtime import Runtime

EXIT_OK, EXIT_FAILED = 0, 1
NO_NAME = "a reviewer in Slack"


def cmd_reviews_pr(args: argparse.Namespace, settings: Settings) -> int:
    settings.require("GITHUB_REPO")
    runtime = Runtime.open(settings)
    if settings.slack_bot_token:
        from ..slack.app import make_client
        from ..slack.kit.people import namer

        name_of = namer(make_client(settings))
    else:
        name_of = lambda _user: NO_NAME  # noqa: E731 - nobody to ask for names: never an id instead
    change, problems = runtime.pulls.for_verifications(runtime.glossary, name_of)
    for problem in problems:
        print(f"glossary-bot: left out: {problem}", file=sys.stderr)
    if change is None:
        print("No term was verified in Slack since its file's last_reviewed: nothing to open.")
        return EXIT_FAILED if problems else EXIT_OK
    try:
        record, created = runtime.pulls.ask(change, "cli")
    except PullRefused as exc:
        print(f"glossary-bot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if created:  # no server may be running to open it; what fails stays queued for one that is
        deliver_pending(PullDelivery(settings, runtime.store, runtime.outbox, host_from_settings(settings), threads=0))
    record = runtime.pulls.ledger.get(change.branch) or record
    terms = len(change.files)
    if record.url:
        print(f"{record.url} ({record.label}): last_reviewed for {terms} terms, branch {record.branch}.")
        return EXIT_FAILED if problems else EXIT_OK
    print(f"Queued branch {record.branch} ({terms} terms); not open yet: `python -m bot outbox` shows why.")
    return EXIT_FAILED


def cmd_codeowners(args: argparse.Namespace, settings: Settings) -> int:
    result = load_glossary(settings.glossary_dir, max_file_bytes=settings.glossary_max_file_bytes)
    owners, problems = load_owners(settings.owners_file)
    for problem in problems:
        print(f"glossary-bot: {problem}", file=sys.stderr)
    text = codeowners_text(Ownership(owners, result.terms), result.terms, settings.github_terms_dir)
    if not args.check:
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.file)
    try:
        committed = path.read_text(encoding="utf-8")
    except OSError:
        committed = None
    if committed != text:
        state = "is missing" if committed is None else "is out of date"
        print(f"glossary-bot: {path} {state}; run `python -m bot owners codeowners > {path}` and commit it")
        return EXIT_FAILED
    print(f"{path} is current.")
    return EXIT_OK


def add_reviews_parser(reviews_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    q = reviews_sub.add_parser("pr", parents=[common], help="open a pull request of dates verified in Slack")
    q.set_defaults(func=cmd_reviews_pr)


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("owners", parents=[common], help="owners as the git host sees them")
    owners_sub = p.add_subparsers(dest="owners_command", metavar="ACTION", required=True)
    q = owners_sub.add_parser("codeowners", parents=[common], help="print a CODEOWNERS file from owners.yml")
    q.add_argument("--check", action="store_true", help="exit 1 when the committed file is not what it would print")
    q.add_argument(
        "--file", default=".github/CODEOWNERS", help="the committed file --check compares (default: %(default)s)"
    )
    q.set_defaults(func=cmd_codeowners)
