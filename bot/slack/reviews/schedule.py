"""The weekly review digest, sent: to every owner (user groups expanded to their members) by exactly one
instance, which holds the week's lease in the state database. Each team (workspace, or Grid org) has its own:
its requests, lookups and feedback, its digest day, its glossary (GLOSSARIES), its user groups read with its own
token, its letters sent with its own token (the outbox's). The owners are OWNERS_FILE's, for every team.
The schedule thread wakes every few minutes; `python -m bot reviews send` calls send_digests directly."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from slack_sdk import WebClient

from ...governance.digest import build_digest, digest_due, week_of
from ...governance.owners import expand
from ...governance.service import feedback_counts, lookup_counts
from ...runtime import Runtime
from ...term_requests.rules import ACTIVE
from ..outbox.notify import dm
from .digest import digest_message

log = logging.getLogger(__name__)
CHECK_EVERY = 300.0  # seconds between two looks at the clock; the digest hour is never missed by more


def instance_name() -> str:
    """Who holds a week's lease, for the logs: host, process, and a random part for two bots in one process."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class DigestRun:
    week: str
    claimed: bool  # False: another instance holds (or finished) this week
    sent_to: list[str] = field(default_factory=list)


def send_digests(
    client: WebClient,
    runtime: Runtime,
    members: Callable[[str], Iterable[str]],
    *,
    holder: str,
    today: dt.date | None = None,
) -> DigestRun:
    """This week's digest to each owner with something in it, if this caller wins the week's lease."""
    governance = runtime.governance
    book = governance.book
    day = today or governance.today()
    week = week_of(day)
    if book is None or not book.claim_week(week, holder):
        return DigestRun(week, claimed=False)
    glossary = runtime.glossary
    ownership = governance.ownership(glossary)
    states = governance.states(glossary)
    requests = runtime.requests.list(statuses=ACTIVE)
    lookups, feedback = lookup_counts(runtime), feedback_counts(runtime)
    run = DigestRun(week, claimed=True)
    for person in expand(ownership.file.every_id(), members):
        digest = build_digest(
            person,
            day,
            glossary=glossary,
            ownership=ownership,
            states=states,
            members=members,
            requests=requests,
            lookups=lookups,
            feedback=feedback,
        )
        # Recorded before sending: an instance taking over a dead sender's week skips who already has it.
        if digest.empty or not book.claim_delivery(week, person):
            continue
        dm(runtime.outbox, person, digest_message(digest, day))  # durable: a letter, retried
        run.sent_to.append(person)
    book.finish_week(week, holder)
    log.info("weekly digest %s sent to %d owners", week, len(run.sent_to))
    return run


class DigestSchedule:
    """Sends the digest once the digest day (the Home's, else DIGEST_DAY) and DIGEST_HOUR have come this week
    (in DIGEST_TZ)."""

    def __init__(
        self,
        client: WebClient,
        runtime: Runtime,
        members: Callable[[str], Iterable[str]],
        *,
        members_of: Callable[[Runtime], Callable[[str], Iterable[str]]] | None = None,  # a team's groups, its token
    ):
        self.client, self.runtime, self.members = client, runtime, members
        self.members_of = members_of
        self.holder = instance_name()
        self._stop = threading.Event()

    def check_every_team(self, now: dt.datetime | None = None) -> list[DigestRun]:
        """Each team's digest, when its day has come: one team failing leaves the others' to go."""
        runs = []
        for view in self.runtime.every_team():
            try:
                run = self.check(now, view)
            except Exception:  # its week's lease runs out; retried at the next look
                log.exception("the weekly review digest of %s failed", view.team.id if view.team else "the home team")
                continue
            runs += [run] if run else []
        return runs

    def check(self, now: dt.datetime | None = None, runtime: Runtime | None = None) -> DigestRun | None:
        """One team's digest (`runtime` bound to it; the home team's when None), if its day and hour have come."""
        runtime = runtime or self.runtime
        team = runtime.team
        if team is not None:  # the team's own glossary (GLOSSARIES), so its own owners
            runtime = runtime.for_glossary(team.id, team.enterprise_id)
        settings, governance = runtime.settings, runtime.governance
        now = now or dt.datetime.now(governance.tz)
        # The day the team's admin picked on the Home, else DIGEST_DAY.
        day = runtime.effective_settings(team.id if team else None).digest_day
        if governance.owners().empty or not digest_due(now, day, settings.digest_hour):
            return None
        if governance.book is None or governance.book.week_finished(week_of(now.date())):
            return None
        members = self.members_of(runtime) if self.members_of and team else self.members
        return send_digests(self.client, runtime, members, holder=self.holder, today=now.date())

    def start(self) -> None:
        threading.Thread(target=self._run, name="review-digest", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check_every_team()
            except Exception:  # the state database is down, say: the next look tries again
                log.exception("the weekly review digest failed")
            self._stop.wait(CHECK_EVERY)
