"""Small writes committed together: the first to arrive commits every write that queued behind it.

A burst of mentions is a burst of small write transactions: each event is claimed once, each answer is written as a
letter and marked sent after it is posted. On SQLite they all wait for the one write turn (store.py), and profiled
in a burst of 200 mentions the listener threads spent most of their time in that wait. Here writes that arrive while
one waits for the turn join it: one transaction runs them all, and each caller gets its own result only after the
commit, so a caller never acts on a row that was not stored.

If one write raises, nothing of the shared transaction is kept and each write is run again in a transaction of its
own: every caller then gets the outcome it would have had alone, and one bad write never fails the others. (The work
given here must therefore be safe to run again after a rollback: database statements only.) If the transaction
cannot begin or its commit fails, every write in it fails with that error, as each would have alone.

On PostgreSQL there is no turn to wait for, so writes rarely meet; when they do, they share a commit the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")


@dataclass
class _Write(Generic[T]):
    work: Callable[[Connection], T]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class GroupCommit:
    """One queue per database, shared by every team's view of its store."""

    def __init__(self, writing: Callable[[], AbstractContextManager[Connection]]):
        self._writing = writing
        self._lock = threading.Lock()
        self._queued: list[_Write[Any]] = []
        self._leader = False  # a write is on its way to the write turn and will take the queue with it

    def run(self, work: Callable[[Connection], T]) -> T:
        """`work` done in a write transaction, perhaps shared with others; its result once committed."""
        mine: _Write[T] = _Write(work)
        with self._lock:
            self._queued.append(mine)
            lead = not self._leader
            self._leader = True
        if lead:
            self._commit()
        mine.done.wait()
        if mine.error is not None:
            raise mine.error
        result: T = mine.result
        return result

    def _commit(self) -> None:
        batch: list[_Write[Any]] = []
        raised: _Write[Any] | None = None
        try:
            with self._writing() as conn:
                batch = self._take()  # everything queued while this write waited for its turn
                for write in batch:
                    raised = write
                    write.result = write.work(conn)
                raised = None
        except BaseException as exc:
            batch = batch or self._take()
            if raised is not None and len(batch) > 1:
                for write in batch:  # one write failed the rest: each on its own, as if it had come alone
                    self._alone(write)
            else:  # no transaction, or its commit failed: every write fails alike, nothing was kept
                for write in batch:
                    write.result, write.error = None, exc
        for write in batch:  # answered only now, with the rows committed
            write.done.set()

    def _alone(self, write: _Write[Any]) -> None:
        try:
            with self._writing() as conn:
                write.result = write.work(conn)
        except BaseException as exc:
            write.result, write.error = None, exc

    def _take(self) -> list[_Write[Any]]:
        with self._lock:
            batch, self._queued = self._queued, []
            self._leader = False  # a write arriving from now on leads the next commit
        return batch
