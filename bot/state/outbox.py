"""The outbox: every Slack side effect that follows a state change, stored in the same transaction as the change.

A row is a letter. It is `pending` until a delivery worker claims it, `sending` while one holds it (for a lease:
if that process dies, another claims it again when the lease runs out), then `sent`, or `dead` after an error that
cannot succeed or past its deadline. Claims take letters in batches inside one write transaction: on PostgreSQL
`SELECT … FOR UPDATE SKIP LOCKED` (each claimer skips what another holds, so threads and instances never wait on or
race for the same rows), on SQLite the single writer's lock (BEGIN IMMEDIATE). One commit per batch.

`unsure` is set by every claim and cleared when a try ends in a clear refusal: a letter claimed while it is still
set had a try that may have reached Slack (the process died, or the call timed out). Nothing reads the channel to
find out: every message carries its letter's id in metadata, and Slack's echo of it (message_metadata_posted)
stores where it landed (`echoed`), as Slack's answer does on a try that ends well. An unsure letter with no landing
stored waits for the echo until `echo_due`; none by then, it was never posted and is sent. The core writes intent
(kinds and request numbers); the Slack layer renders.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ClauseElement,
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from .clock import Clock
from .letters import GIT_HOST_KINDS as GIT_HOST_KINDS
from .letters import SLACK_KINDS as SLACK_KINDS
from .letters import Letter as Letter
from .letters import LetterKind as LetterKind
from .letters import Stuck as Stuck
from .letters import aware, letter_of
from .letters import is_slack_user as is_slack_user
from .schema import outbox
from .store import Store

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
Holder = tuple[str, dt.timedelta] | None  # (worker, lease) of a thread that holds a letter from its writing
KEEP_SENT = dt.timedelta(days=7)  # sent letters are kept a week, for `python -m bot outbox` and audits
REQUEUED = "requeued by the hourly retry; before that: "  # how a dead letter's error reads once retried on schedule

# The statements every answer to a mention runs, built once and given their values as parameters. Built afresh
# with the values inside, SQLAlchemy coerced each value and worked out the statement's cache key on every call:
# most of a letter's write (0.34 ms of CPU on SQLite, its sending 0.21 ms; bench/RESULTS.md).
_NEW_LETTER = insert(outbox)
# A claim: the letters ("ids") held by "worker" until "until", as a try of theirs.
_HOLD = (
    update(outbox)
    .where(outbox.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status=SENDING,
        attempts=outbox.c.attempts + 1,
        unsure=True,
        echo_due=None,
        claimed_by=bindparam("worker", type_=outbox.c.claimed_by.type),
        claimed_until=bindparam("until", type_=outbox.c.claimed_until.type),
        updated_at=bindparam("stamp", type_=outbox.c.updated_at.type),
    )
)
_NEXT_DUE = select(func.min(outbox.c.due_at)).where(outbox.c.status == PENDING)
# A try's end, for the holder only: a letter taken back meanwhile (its lease ran out) is not marked by this one.
# The values set are the parameters' other keys.
_FINISHED = update(outbox).where(
    outbox.c.id == bindparam("letter_id"), outbox.c.status == SENDING, outbox.c.claimed_by == bindparam("holder")
)


class Outbox:
    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.clock = clock or Clock()  # tests and the bench run a faster one; see clock.py
        # Set after a commit that wrote letters, so this process's worker does not wait for its next poll.
        self.written = threading.Event()
        # Set by a running delivery worker: given how to store a letter, stores it held and sends it (send_now).
        self.courier: Callable[[Callable[[Holder], Letter | None]], None] | None = None

    def for_team(self, store: Store) -> Outbox:
        """The same outbox (its wake-up, its courier) writing `store`'s team's letters and showing only those.
        The delivery worker's own calls (claims, retries, clean-ups) serve every team whatever view makes them."""
        view = copy.copy(self)
        view.store = store
        return view

    def now(self) -> dt.datetime:
        return self.clock.now()

    # --- writing (inside the caller's transaction) -------------------------------------------

    def add(
        self, conn: Connection, kind: LetterKind, payload: dict[str, Any], *, request_id: int | None = None
    ) -> int | None:
        """A letter, in the caller's transaction: it exists exactly when the change that called for it does.
        Its id, or None when it joined a redraw already waiting."""
        return self._add(conn, kind, payload, request_id, None)

    def _add(
        self,
        conn: Connection,
        kind: LetterKind,
        payload: dict[str, Any],
        request_id: int | None,
        holder: Holder,
        stamp: dt.datetime | None = None,
    ) -> int | None:
        stamp = stamp or self.now()
        if kind == LetterKind.TRIAGE_UPDATE and request_id is not None:
            # A redraw draws the latest state when it is sent, so one waiting redraw is enough. An UPDATE, not a
            # read: it locks the waiting letter, so a worker cannot claim it before this change commits.
            coalesced = conn.execute(
                update(outbox)
                .where(
                    self.store.team.owns(outbox),
                    outbox.c.kind == kind,
                    outbox.c.request_id == request_id,
                    outbox.c.status == PENDING,
                )
                .values(updated_at=stamp)
            ).rowcount
            if coalesced:
                return None
        written = conn.execute(
            _NEW_LETTER,
            {
                "kind": kind,
                "request_id": request_id,
                "payload": json.dumps(payload, ensure_ascii=False),
                "due_at": stamp,
                "last_error": "",
                "created_at": stamp,
                "updated_at": stamp,
                **_held(holder, stamp),
                **self.store.team.row(),
            },
        )
        return int(written.inserted_primary_key[0])  # type: ignore[index]  # one row inserted: its key is there

    def send(self, kind: LetterKind, payload: dict[str, Any], *, request_id: int | None = None) -> int | None:
        """A letter in a transaction of its own (a reply to a mention, a DM that follows no change)."""
        letter_id = self.store.together(lambda conn: self.add(conn, kind, payload, request_id=request_id))
        self.wake()
        return letter_id

    def wake(self) -> None:
        self.written.set()

    def send_now(self, kind: LetterKind, payload: dict[str, Any]) -> None:
        """A letter in a transaction of its own, then sent at once on this thread when a worker runs in this
        process (an answer to a mention should not wait for the worker's round). Durable either way: the letter is
        stored before anyone tries it, already held by the sender, so it costs no claim of its own."""
        courier = self.courier
        if courier is None:
            self.send(kind, payload)
            return

        def write(holder: Holder) -> Letter | None:
            stamp = self.now()
            letter_id = self.store.together(lambda conn: self._add(conn, kind, payload, None, holder, stamp))
            if holder is None or letter_id is None:
                self.wake()
                return None
            # The letter as written, not read back: one statement less while this thread has the write turn, which
            # every answer to a mention waits for (store.py). Held, as by a claim; no earlier try to be unsure about.
            return Letter(
                id=letter_id,
                kind=kind.value,
                request_id=None,
                payload=json.loads(json.dumps(payload, ensure_ascii=False)),  # as a claim would read it back
                status=SENDING,
                attempts=1,
                unsure=False,
                last_error="",
                created_at=stamp,
                due_at=stamp,
                team=self.store.team,
            )

        courier(write)

    # --- the delivery worker's side -----------------------------------------------------------

    def claim_batch(
        self, worker: str, lease: dt.timedelta, limit: int = 10, *, kinds: Sequence[str] = SLACK_KINDS
    ) -> list[Letter]:
        """Up to `limit` due letters of these kinds (oldest first, or whose holder's lease ran out), now held by
        `worker`. Slack's worker and the git host's each claim their own kinds."""
        stamp = self.now()
        with self.store.writing() as conn:
            # On PostgreSQL rows another claimer holds are skipped, not waited on; a row changed meanwhile is
            # re-checked.
            query = _due_letters(tuple(kinds), limit, skip_locked=conn.dialect.name == "postgresql")
            rows = conn.execute(query, {"stamp": stamp}).all()
            if rows:
                hold = {"ids": [r.id for r in rows], "worker": worker, "until": stamp + lease, "stamp": stamp}
                conn.execute(_HOLD, hold)
        return [letter_of(r, attempts=r.attempts + 1) for r in rows]

    def claim(self, worker: str, lease: dt.timedelta, *, kinds: Sequence[str] = SLACK_KINDS) -> Letter | None:
        """The oldest due letter of these kinds, now held by `worker`; None if none is due."""
        found = self.claim_batch(worker, lease, limit=1, kinds=kinds)
        return found[0] if found else None

    def sent(
        self, letter_id: int, worker: str, conn: Connection | None = None, *, posted: tuple[str, str] | None = None
    ) -> None:
        """Done; `posted`: the (channel, ts) Slack answered with (the same post any echo of it names)."""
        landed = {"sent_channel": posted[0], "sent_ts": posted[1]} if posted else {}
        self._finish(letter_id, worker, conn, status=SENT, unsure=False, **landed)

    def echoed(self, letter_id: int, channel: str, ts: str) -> bool:
        """Slack's echo of a message the outbox sent: where letter `letter_id` landed. The first landing stored
        stands (an echo retried by Slack, or one that comes after the answer, changes nothing). False when there
        is no such letter, or it had a landing already. By id alone, whichever team's view asks: the id came back
        in Slack's signed echo of our own post, and an org-wide install's echo may name one of the org's workspaces."""
        mine = and_(outbox.c.id == letter_id, outbox.c.sent_ts.is_(None))
        with self.store.engine.connect() as conn:  # the usual case (answered first) costs no write lock
            if conn.execute(select(outbox.c.id).where(mine)).first() is None:
                return False
        with self.store.writing() as conn:
            stored = conn.execute(update(outbox).where(mine).values(sent_channel=channel[:64], sent_ts=ts[:32]))
        return bool(stored.rowcount)

    def await_echo(self, letter_id: int, worker: str, until: dt.datetime) -> None:
        """An unsure letter with no landing stored goes back untried until `until`, still unsure: by then Slack's
        echo of an earlier try is in, or there was no such try that landed."""
        delay = max(0.0, (until - self.now()).total_seconds())
        self.retry(letter_id, worker, delay, None, unsure=True, count=False, echo_due=until)

    def retry(
        self,
        letter_id: int,
        worker: str,
        delay: float,
        error: str | None,
        *,
        unsure: bool,
        count: bool = True,
        echo_due: dt.datetime | None = None,
    ) -> None:
        """Back to pending, due after `delay` seconds (error None: the last one stays). count=False: this was not a
        try (a 429, a letter put back unsent), so it does not grow the backoff. `echo_due`: see await_echo."""
        values: dict[str, Any] = {"due_at": self.now() + dt.timedelta(seconds=delay), "echo_due": echo_due}
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
        values.update(status=status, unsure=unsure, claimed_by=None, claimed_until=None, updated_at=self.now())
        if error is not None:
            values["last_error"] = error[:2000]
        params: dict[str, Any] = {"letter_id": letter_id, "holder": worker}
        if any(isinstance(v, ClauseElement) for v in values.values()):
            query = _FINISHED.values(**values)  # worked out in SQL (a try given back): a statement of its own
        else:
            query = _FINISHED
            params.update(values)
        if conn is not None:
            conn.execute(query, params)
            return
        self.store.together(lambda own: own.execute(query, params))

    def next_due(self) -> float | None:
        """Seconds until the next waiting letter is due (0 if one is due now); None when none waits."""
        with self.store.engine.connect() as conn:
            due = conn.execute(_NEXT_DUE).scalar()
        return None if due is None else max(0.0, (aware(due) - self.now()).total_seconds())

    def post_waiting(self, request_id: int) -> bool:
        """True while the request's triage post is still to be sent (pending, or being sent)."""
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(outbox.c.id).where(
                    self.store.team.owns(outbox),
                    outbox.c.kind == LetterKind.TRIAGE_POST,
                    outbox.c.request_id == request_id,
                    outbox.c.status.in_((PENDING, SENDING)),
                )
            ).first()
        return row is not None

    def forget_sent(self) -> int:
        old = and_(outbox.c.status == SENT, outbox.c.updated_at < self.now() - KEEP_SENT)
        with self.store.writing() as conn:
            done = conn.execute(delete(outbox).where(old))
        return done.rowcount

    # --- what reviewers and operators see -----------------------------------------------------

    def letters(self, statuses: Sequence[str] = (PENDING, SENDING, DEAD)) -> list[Letter]:
        query = select(outbox).where(self.store.team.owns(outbox), outbox.c.status.in_(statuses)).order_by(outbox.c.id)
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [letter_of(r) for r in rows]

    def undelivered_posts(self) -> set[int]:
        """Requests whose triage post is dead: `/define requests` marks them."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.request_id).where(
                    self.store.team.owns(outbox), outbox.c.kind == LetterKind.TRIAGE_POST, outbox.c.status == DEAD
                )
            ).all()
        return {r.request_id for r in rows if r.request_id is not None}

    def stuck(self, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> Stuck:
        """How many letters are dead, and how many have waited longer than `older_than` and are still tried."""
        stamp = self.now()
        waiting = and_(outbox.c.status.in_((PENDING, SENDING)), outbox.c.created_at < stamp - older_than)
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.status, func.count(), func.min(outbox.c.created_at))
                .where(self.store.team.owns(outbox), or_(outbox.c.status == DEAD, waiting))
                .group_by(outbox.c.status)
            ).all()
        counts = {r[0]: r[1] for r in rows}
        oldest = min((aware(r[2]) for r in rows if r[2] is not None), default=None)
        return Stuck(counts.get(DEAD, 0), counts.get(PENDING, 0) + counts.get(SENDING, 0), oldest)

    def requeue_dead(self, ids: Sequence[int] | None = None) -> int:
        """This team's dead letters (these, or all) are pending again with a fresh count of tries."""
        query = update(outbox).where(self.store.team.owns(outbox), outbox.c.status == DEAD)
        if ids:
            query = query.where(outbox.c.id.in_(ids))
        return self._requeue(query)

    def retry_dead_on_schedule(self, died_before: dt.timedelta, written_within: dt.timedelta) -> int:
        """The web process's own retry of dead letters: those dead for longer than `died_before` and written
        within `written_within` get one more try (a channel the bot was since invited to, a Slack that is back).
        Their error is marked, so a reviewer is not told twice about the same stale post."""
        stamp = self.now()
        query = update(outbox).where(
            outbox.c.status == DEAD,
            outbox.c.updated_at < stamp - died_before,
            outbox.c.created_at > stamp - written_within,
        )
        marked = literal(REQUEUED) + outbox.c.last_error
        return self._requeue(query, last_error=func.substr(marked, 1, 2000))

    def _requeue(self, query: Any, **values: Any) -> int:
        stamp = self.now()
        with self.store.writing() as conn:
            # unsure stays as it was: a letter that died after a try with an unknown outcome is looked for first.
            done = conn.execute(query.values(status=PENDING, attempts=0, due_at=stamp, updated_at=stamp, **values))
        self.wake()
        return done.rowcount


def _held(holder: Holder, stamp: dt.datetime) -> dict[str, Any]:
    """A new letter's state: waiting, or already held (as a claim would) by the thread about to send it."""
    if holder is None:
        return {"status": PENDING, "attempts": 0, "unsure": False}
    worker, lease = holder
    # unsure from the start, like a claim: if this process dies mid-call, whoever claims it next looks first.
    return {"status": SENDING, "attempts": 1, "unsure": True, "claimed_by": worker, "claimed_until": stamp + lease}


@functools.lru_cache(maxsize=16)
def _due_letters(kinds: tuple[str, ...], limit: int, *, skip_locked: bool) -> Select[Any]:
    """Up to `limit` letters of these kinds due at the parameter "stamp" (waiting and due, or held past their
    lease), oldest first: built once for each shape a worker asks, then given the time."""
    stamp = bindparam("stamp", type_=outbox.c.due_at.type)
    query = (
        select(outbox)
        .where(
            outbox.c.kind.in_(kinds),
            or_(
                and_(outbox.c.status == PENDING, outbox.c.due_at <= stamp),
                and_(outbox.c.status == SENDING, outbox.c.claimed_until < stamp),
            ),
            _not_behind_a_held_redraw(stamp),
        )
        .order_by(outbox.c.id)
        .limit(limit)
    )
    return query.with_for_update(skip_locked=True) if skip_locked else query


def _not_behind_a_held_redraw(stamp: Any) -> Any:
    """A triage redraw waits while another redraw of the same request is held (its lease still running).
    A redraw draws the post when it is sent: two sent side by side by two threads could reach Slack in either
    order, and the one drawn earlier, landing last, would leave the post showing an older state. One at a time,
    each draws what was committed before it, and the last one sent shows the latest."""
    held = outbox.alias("held")
    return or_(
        outbox.c.kind != LetterKind.TRIAGE_UPDATE.value,
        outbox.c.request_id.is_(None),
        ~exists().where(
            held.c.kind == LetterKind.TRIAGE_UPDATE.value,
            held.c.request_id == outbox.c.request_id,
            held.c.id != outbox.c.id,
            held.c.status == SENDING,
            held.c.claimed_until >= stamp,
        ),
    )
