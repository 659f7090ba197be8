"""How a try at a letter ends, on SQLite and PostgreSQL: only the thread holding the letter marks it, and a try
given back (a 429) is taken off the letter's count in SQL. The statements are built once (outbox.py) and given
their values as parameters, so these check that the right values land in the right rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.state.letters import Letter, LetterKind
from bot.state.outbox import Outbox
from bot.state.schema import outbox
from bot.state.store import Store

LEASE = dt.timedelta(seconds=60)


def _row(store: Store, letter_id: int):
    with store.engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.id == letter_id)).one()


def _held_letter(box: Outbox, worker: str) -> Letter:
    """A reply written held by `worker`, as a listener's thread writes its own before sending it."""
    held: list[Letter | None] = []
    box.courier = lambda write: held.append(write((worker, LEASE)))
    box.send_now(LetterKind.MESSAGE, {"channel": "C1", "thread_ts": "1.1", "message": {"text": "é <b>"}})
    box.courier = None
    (letter,) = held
    assert letter is not None
    return letter


def test_only_the_holder_ends_a_try_and_a_given_back_try_is_not_counted(state_url):
    store = Store(state_url)
    box = Outbox(store)
    letter = _held_letter(box, "worker-a")
    # Held from its writing: no earlier try to be unsure about, while the row is unsure should this process die.
    assert (letter.status, letter.attempts, letter.unsure) == ("sending", 1, False)
    assert letter.payload["message"]["text"] == "é <b>" and letter.payload["thread_ts"] == "1.1"
    row = _row(store, letter.id)
    assert (row.claimed_by, row.unsure, row.team_id) == ("worker-a", True, store.team.id)

    box.sent(letter.id, "worker-b", posted=("C1", "9.9"))  # not its letter: nothing changes
    row = _row(store, letter.id)
    assert (row.status, row.claimed_by, row.sent_ts, row.attempts) == ("sending", "worker-a", None, 1)

    box.retry(letter.id, "worker-a", 0.0, None, unsure=True, count=False)  # a 429: back, and not a try
    row = _row(store, letter.id)
    assert (row.status, row.claimed_by, row.claimed_until, row.attempts, row.unsure) == ("pending", None, None, 0, True)

    (again,) = box.claim_batch("worker-c", LEASE)
    assert again.id == letter.id and again.attempts == 1
    box.sent(letter.id, "worker-a", posted=("C1", "8.8"))  # the first holder's lease is over: not its try now
    assert _row(store, letter.id).status == "sending"
    box.sent(letter.id, "worker-c", posted=("C1", "2.2"))
    row = _row(store, letter.id)
    assert (row.status, row.claimed_by, row.unsure, row.sent_channel, row.sent_ts) == ("sent", None, False, "C1", "2.2")
    store.close()


def test_a_dead_letter_keeps_its_error_and_a_retry_its_due_time(state_url):
    store = Store(state_url)
    box = Outbox(store)
    first, second = _held_letter(box, "worker-a"), _held_letter(box, "worker-a")
    box.dead(first.id, "worker-a", "channel_not_found", unsure=False)
    box.retry(second.id, "worker-a", 30.0, "HTTP 503", unsure=False)
    dead, waiting = _row(store, first.id), _row(store, second.id)
    assert (dead.status, dead.last_error, dead.claimed_by) == ("dead", "channel_not_found", None)
    assert (waiting.status, waiting.last_error, waiting.attempts) == ("pending", "HTTP 503", 1)
    due = waiting.due_at if waiting.due_at.tzinfo else waiting.due_at.replace(tzinfo=dt.UTC)
    assert dt.timedelta(seconds=25) < due - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=30)
    store.close()
