"""Claims of event ids, committed together: the first claim to arrive commits every claim that queued behind it.

Every event Slack sends is claimed once (`Store.claim_event`) before anything else happens, so a burst of mentions is
first a burst of claims. On SQLite each was a write transaction of its own, waiting for the one write turn
(store.py) that the letters and their sending wait for too. Here the claims that arrive while a claim waits for that
turn join it: one transaction stores them all, and each learns, after the commit, whether its id was new. A claim
still answers only once its row is committed, so exactly once holds as before.

On PostgreSQL there is no turn to wait for, so claims rarely meet; when they do, they share a commit the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


@dataclass
class _Claim:
    values: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    new: bool = False
    error: BaseException | None = None


class EventClaims:
    """Shared by every team's view of one store: one queue of claims per database."""

    def __init__(self, table: Table, dialect: str, writing: Callable[[], AbstractContextManager[Connection]]):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # A duplicate id stores nothing and returns no row (rather than failing the transaction the batch shares).
        # RETURNING, not the row count: psycopg gives -1 for this statement's.
        self._insert = insert(table).on_conflict_do_nothing().returning(table.c.event_id)
        self._writing = writing
        self._lock = threading.Lock()
        self._queued: list[_Claim] = []
        self._leader = False  # a claim is on its way to the write turn and will take the queue with it

    def claim(self, values: dict[str, Any]) -> bool:
        """True when this row's event id (for its team) was not stored yet; it is now, committed."""
        mine = _Claim(values)
        with self._lock:
            self._queued.append(mine)
            lead = not self._leader
            self._leader = True
        if lead:
            self._commit()
        mine.done.wait()
        if mine.error is not None:
            raise mine.error
        return mine.new

    def _commit(self) -> None:
        batch: list[_Claim] = []
        try:
            with self._writing() as conn:
                batch = self._take()  # everything queued while this claim waited for its turn
                for claim in batch:
                    claim.new = conn.execute(self._insert, claim.values).first() is not None
        except BaseException as exc:  # rolled back (or never begun): every claim it carried fails alike
            for claim in batch or self._take():
                claim.new, claim.error = False, exc
                claim.done.set()
            return
        for claim in batch:  # answered only now, with the rows committed
            claim.done.set()

    def _take(self) -> list[_Claim]:
        with self._lock:
            batch, self._queued = self._queued, []
            self._leader = False  # a claim arriving from now on leads the next commit
        return batch
