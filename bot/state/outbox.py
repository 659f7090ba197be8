"""The outbox: every Slack side effect that follows a state change, stored in the same transaction as the change.

A row is a letter. It is `pending` until a delivery worker claims it, `sending` while one holds it (for a lease:
if that process dies, another claims it again when the lease runs out), then `sent`, or `dead` after too many
tries or an error that cannot succeed. A claim is one conditional UPDATE that names the state the claimer read,
so of several threads or instances only one ever holds a letter.

`unsure` is set by every claim and cleared when a try ends in a clear refusal: a letter claimed while it is still
set had a try that may have reached Slack (the process died, or the call timed out), and the worker looks in the
channel before sending it again. The core writes intent (kinds and request numbers); the Slack layer renders.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from .schema import outbox
from .store import Store, now


class LetterKind(StrEnum):
    """What a letter asks the Slack side to do, and the payload it carries. Stored as its value."""

    TRIAGE_POST = "triage_post"  # {"request_id"}: the request's one post in the requests channel
    TRIAGE_UPDATE = "triage_update"  # {"request_id", "by"}: redraw it; the latest state is drawn when it is sent
    DM = "dm"  # {"user", "about", "request_id", ...} or {"user", "message"}: a direct message to a person
    MESSAGE = "message"  # {"channel", "thread_ts", "message"}: a reply rendered where it was asked for
    # {"branch", "title", "body", "message", "files", "reviewers", "team_reviewers", "labels"}: a change opened as a
    # pull request on the git host (bot/pulls/delivery.py); the branch is the change's identity.
    PULL_REQUEST = "pull_request"


# Who sends which letters: the Slack worker never claims a pull request, the git host's worker nothing else.
SLACK_KINDS = (LetterKind.TRIAGE_POST, LetterKind.TRIAGE_UPDATE, LetterKind.DM, LetterKind.MESSAGE)
GIT_HOST_KINDS = (LetterKind.PULL_REQUEST,)


PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
KEEP_SENT = dt.timedelta(days=7)  # sent letters are kept a week, for `python -m bot outbox` and audits


@dataclass(frozen=True)
class Letter:
    id: int
    kind: str  # a LetterKind's value; a row written by a newer version may hold one this version lacks
    request_id: int | None
    payload: dict[str, Any]
    status: str
    attempts: int  # tries made, this one included once claimed
    unsure: bool  # an earlier try may have reached Slack
    last_error: str
    created_at: dt.datetime
    due_at: dt.datetime


def is_slack_user(who: str) -> bool:
    """Slack people are user ids (U…, W…); requests filed over MCP are "mcp:<name>" and get no DM."""
    return who[:1] in ("U", "W") and ":" not in who


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store
        # Set after a commit that wrote letters, so this process's worker does not wait for its next poll.
        self.written = threading.Event()

    # --- writing (inside the caller's transaction) -------------------------------------------

    def add(
        self, conn: Connection, kind: LetterKind, payload: dict[str, Any], *, request_id: int | None = None
    ) -> None:
        """A letter, in the caller's transaction: it exists exactly when the change that called for it does."""
        stamp = now()
        if kind == LetterKind.TRIAGE_UPDATE and request_id is not None:
            # A redraw draws the latest state when it is sent, so one waiting redraw is enough. An UPDATE, not a
            # read: it locks the waiting letter, so a worker cannot claim it before this change commits.
            coalesced = conn.execute(
                update(outbox)
                .where(outbox.c.kind == kind, outbox.c.request_id == request_id, outbox.c.status == PENDING)
                .values(updated_at=stamp)
            ).rowcount
            if coalesced:
                return
        conn.execute(
            insert(outbox).values(
                kind=kind,
                request_id=request_id,
                payload=json.dumps(payload, ensure_ascii=False),
                status=PENDING,
                attempts=0,
                unsure=False,
                due_at=stamp,
                last_error="",
                created_at=stamp,
                updated_at=stamp,
            )
        )

    def send(self, kind: LetterKind, payload: dict[str, Any], *, request_id: int | None = None) -> None:
        """A letter in a transaction of its own (a reply to a mention, a DM that follows no change)."""
        with self.store.writing() as conn:
            self.add(conn, kind, payload, request_id=request_id)
        self.wake()

    def wake(self) -> None:
        self.written.set()

    # --- the delivery worker's side -----------------------------------------------------------

    def claim(self, worker: str, lease: dt.timedelta, *, kinds: Sequence[str] = SLACK_KINDS) -> Letter | None:
        """The oldest letter of these kinds that is due (or whose holder's lease ran out), now held by `worker`."""
        stamp = now()
        due = and_(
            outbox.c.kind.in_(list(kinds)),
            or_(
                and_(outbox.c.status == PENDING, outbox.c.due_at <= stamp),
                and_(outbox.c.status == SENDING, outbox.c.claimed_until < stamp),
            ),
        )
        with self.store.engine.connect() as conn:
            candidates = conn.execute(select(outbox).where(due).order_by(outbox.c.id).limit(10)).all()
        for row in candidates:
            with self.store.writing() as conn:
                # Conditional on what was read: another claimer changed status, attempts or the lease first.
                won = conn.execute(
                    update(outbox)
                    .where(outbox.c.id == row.id, outbox.c.status == row.status, outbox.c.attempts == row.attempts)
                    .where(due)
                    .values(
                        status=SENDING,
                        attempts=row.attempts + 1,
                        unsure=True,
                        claimed_by=worker,
                        claimed_until=stamp + lease,
                        updated_at=stamp,
                    )
                ).rowcount
            if won:
                return _letter(row, attempts=row.attempts + 1)
        return None

    def sent(self, letter_id: int, worker: str, conn: Connection | None = None) -> None:
        self._finish(letter_id, worker, conn, status=SENT, unsure=False)

    def retry(self, letter_id: int, worker: str, delay: float, error: str, *, unsure: bool, count: bool = True) -> None:
        """Back to pending, due after `delay` seconds. count=False: this try does not count toward the limit."""
        values: dict[str, Any] = {"due_at": now() + dt.timedelta(seconds=delay)}
        if not count:
            values["attempts"] = outbox.c.attempts - 1
        self._finish(letter_id, worker, None, status=PENDING, unsure=unsure, error=error, **values)

    def dead(self, letter_id: int, worker: str, error: str, *, unsure: bool = False) -> None:
        """No more tries. `unsure` is kept for a requeue: a letter whose last try timed out is looked for first."""
        self._finish(letter_id, worker, None, status=DEAD, unsure=unsure, error=error)

    def _finish(
        self,
        letter_id: int,
        worker: str,
        conn: Connection | None,
        *,
        status: str,
        unsure: bool,
        error: str | None = None,
        **values: Any,
    ) -> None:
        values.update(status=status, unsure=unsure, claimed_by=None, claimed_until=None, updated_at=now())
        if error is not None:
            values["last_error"] = error[:2000]
        query = (
            update(outbox)
            .where(outbox.c.id == letter_id, outbox.c.status == SENDING, outbox.c.claimed_by == worker)
            .values(**values)
        )
        if conn is not None:
            conn.execute(query)
            return
        with self.store.writing() as own:
            own.execute(query)

    def post_waiting(self, request_id: int) -> bool:
        """True while the request's triage post is still to be sent (pending, or being sent)."""
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(outbox.c.id).where(
                    outbox.c.kind == LetterKind.TRIAGE_POST,
                    outbox.c.request_id == request_id,
                    outbox.c.status.in_((PENDING, SENDING)),
                )
            ).first()
        return row is not None

    def forget_sent(self) -> int:
        with self.store.writing() as conn:
            done = conn.execute(delete(outbox).where(outbox.c.status == SENT, outbox.c.updated_at < now() - KEEP_SENT))
        return done.rowcount

    # --- what reviewers and operators see -----------------------------------------------------

    def letters(self, statuses: Sequence[str] = (PENDING, SENDING, DEAD)) -> list[Letter]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(outbox).where(outbox.c.status.in_(statuses)).order_by(outbox.c.id)).all()
        return [_letter(r) for r in rows]

    def undelivered_posts(self) -> set[int]:
        """Requests whose triage post is dead: `/define requests` marks them."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.request_id).where(outbox.c.kind == LetterKind.TRIAGE_POST, outbox.c.status == DEAD)
            ).all()
        return {r.request_id for r in rows if r.request_id is not None}

    def requeue_dead(self, ids: Sequence[int] | None = None) -> int:
        """Dead letters (these, or all) are pending again with a fresh count of tries."""
        query = update(outbox).where(outbox.c.status == DEAD)
        if ids:
            query = query.where(outbox.c.id.in_(ids))
        with self.store.writing() as conn:
            # unsure stays as it was: a letter that died after a try with an unknown outcome is looked for first.
            done = conn.execute(query.values(status=PENDING, attempts=0, due_at=now(), updated_at=now()))
        self.wake()
        return done.rowcount


def _letter(row: Any, *, attempts: int | None = None) -> Letter:
    return Letter(
        id=row.id,
        kind=row.kind,
        request_id=row.request_id,
        payload=json.loads(row.payload),
        status=row.status,
        attempts=row.attempts if attempts is None else attempts,
        unsure=bool(row.unsure),
        last_error=row.last_error,
        created_at=_aware(row.created_at),
        due_at=_aware(row.due_at),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
