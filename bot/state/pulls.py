"""Which changes have been asked for as pull requests, and where each one stands on the git host.

A row is written with its outbox letter in one transaction (bot/pulls/changes.py), keyed by the change's branch,
so a second press of the button or a second run of `reviews pr` finds the row and queues nothing. The delivery
worker records the pull request's number once it is open; the webhook moves its state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .schema import pull_requests
from .store import Store, now
from .team import Team

QUEUED, OPENED, CHANGES_REQUESTED, APPROVED, MERGED, CLOSED, FAILED = (
    "queued",
    "opened",
    "changes_requested",
    "approved",
    "merged",
    "closed",
    "failed",  # the host refused it: asking again queues it anew
)
STILL_OPEN = (OPENED, CHANGES_REQUESTED, APPROVED)  # states the host may still move
STATE_LABELS = {
    QUEUED: "being opened",
    OPENED: "open for review",
    CHANGES_REQUESTED: "changes requested",
    APPROVED: "approved",
    MERGED: "merged",
    CLOSED: "closed without merging",
    FAILED: "could not be opened",
}


@dataclass(frozen=True)
class PullRecord:
    branch: str
    kind: str
    request_id: int | None
    state: str
    number: int | None
    url: str
    asked_by: str
    created_at: dt.datetime
    team: Team  # who asked: the webhook tells that team when the pull request moves

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


class PullLedger:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, conn: Connection, branch: str, kind: str, request_id: int | None, asked_by: str) -> bool:
        """A new row in the caller's transaction; False (and nothing written) when the branch has one already,
        unless that one failed: then it is queued again, for whoever asks now. The branch names the change on the
        one git repository, whichever team asks: a second team asking for it finds it asked for."""
        found = conn.execute(select(pull_requests.c.state).where(pull_requests.c.branch == branch)).first()
        stamp = now()
        if found is not None:
            if found.state != FAILED:
                return False
            again = (pull_requests.c.branch == branch) & (pull_requests.c.state == FAILED)
            values = {"state": QUEUED, "asked_by": asked_by, "updated_at": stamp, **self.store.team.row()}
            retried = update(pull_requests).where(again).values(values)
            return bool(conn.execute(retried).rowcount)
        conn.execute(
            insert(pull_requests).values(
                branch=branch,
                kind=kind,
                request_id=request_id,
                state=QUEUED,
                url="",
                asked_by=asked_by,
                created_at=stamp,
                updated_at=stamp,
                **self.store.team.row(),
            )
        )
        return True

    def opened(self, conn: Connection, branch: str, number: int, url: str) -> None:
        """The pull request exists: its number and address. A state the webhook already moved on is kept."""
        conn.execute(
            update(pull_requests)
            .where(pull_requests.c.branch == branch)
            .values(number=number, url=url, updated_at=now())
        )
        conn.execute(
            update(pull_requests)
            .where(pull_requests.c.branch == branch, pull_requests.c.state.in_((QUEUED, FAILED)))
            .values(state=OPENED)
        )

    def failed(self, branch: str) -> None:
        """The host refused it; the row stays (its history) and asking again queues it anew."""
        with self.store.writing() as conn:
            conn.execute(
                update(pull_requests)
                .where(pull_requests.c.branch == branch, pull_requests.c.state == QUEUED)
                .values(state=FAILED, updated_at=now())
            )

    def move(self, conn: Connection, branch: str, state: str) -> PullRecord | None:
        """A new state from the git host; None when the branch is not one of ours or the state is unchanged."""
        row = conn.execute(select(pull_requests).where(pull_requests.c.branch == branch)).first()
        if row is None or row.state == state or row.state in (MERGED, CLOSED) and state != OPENED:
            return None
        # Only from the state just read: the webhook and the poller (or two instances' pollers) may both see
        # the same merge, and only the one whose update lands tells the people who asked.
        moved = conn.execute(
            update(pull_requests)
            .where(pull_requests.c.branch == branch, pull_requests.c.state == row.state)
            .values(state=state, updated_at=now())
        )
        return _record(row, state=state) if moved.rowcount else None

    def following(self, limit: int = 200) -> list[PullRecord]:
        """The pull requests still open on the host as far as the ledger knows, least recently moved first:
        what polling looks at. Every team's: the git host knows no teams, and a move is told to the row's team."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(pull_requests)
                .where(pull_requests.c.number.is_not(None), pull_requests.c.state.in_(STILL_OPEN))
                .order_by(pull_requests.c.updated_at, pull_requests.c.branch)
                .limit(limit)
            ).all()
        return [_record(row) for row in rows]

    def unfinished(self, limit: int = 8) -> list[PullRecord]:
        """This team's pull requests being opened, open, or refused (asking again would retry), newest first: the
        reviewer Home's list. Merged and closed ones are done and left out."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(pull_requests)
                .where(self.store.team.owns(pull_requests), pull_requests.c.state.in_((QUEUED, FAILED, *STILL_OPEN)))
                .order_by(pull_requests.c.created_at.desc(), pull_requests.c.branch)
                .limit(limit)
            ).all()
        return [_record(row) for row in rows]

    def get(self, branch: str) -> PullRecord | None:
        mine = self.store.team.owns(pull_requests)
        with self.store.engine.connect() as conn:
            row = conn.execute(select(pull_requests).where(mine, pull_requests.c.branch == branch)).first()
        return _record(row) if row else None

    def for_request(self, request_id: int) -> PullRecord | None:
        """The newest pull request carrying this request, if any."""
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(pull_requests)
                .where(self.store.team.owns(pull_requests), pull_requests.c.request_id == request_id)
                .order_by(pull_requests.c.created_at.desc())
                .limit(1)
            ).first()
        return _record(row) if row else None


def _record(row: Any, *, state: str | None = None) -> PullRecord:
    return PullRecord(
        branch=row.branch,
        kind=row.kind,
        request_id=row.request_id,
        state=state or row.state,
        number=row.number,
        url=row.url,
        asked_by=row.asked_by,
        created_at=row.created_at,
        team=Team(row.team_id, row.enterprise_id),
    )
