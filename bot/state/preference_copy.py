"""Every preference of one team, copied into this process: what each card reads, with no query per person.

A copy per person (short_cache.ShortCache) missed on every new person, and most people have never set anything:
each of their first cards paid a query through SQLAlchemy (about 1.5 ms of CPU, as much as the rest of a
/define for a new text). Here the copy is of the whole table (only people who chose something have a row), so a
person without a row reads the default at once.

Correct across workers and instances through the state database itself: at most every `ttl` seconds one read
catches up with the rows written since the newest one seen (minus OVERLAP, for clocks that differ between
instances and transactions that commit late), and with the team's row count, so rows deleted under the copy (an
uninstall) are noticed and the whole copy read again. A write made here is written through at once (put), and a
catch-up that ran while it was written does not put the older row back over it. So a change made by another
worker shows here after at most `ttl` seconds, the bound the per-person copy had.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

from .store import Preference

DEFAULT_TTL_SECONDS = 5.0
# Rows written up to this long before the newest one seen are read again at each catch-up: another instance's
# clock may run behind ours, and its transaction may commit after a later one's. A few rows, every few seconds.
OVERLAP = dt.timedelta(minutes=5)

Rows = list[tuple[str, Preference, dt.datetime]]
ReadSince = Callable[[dt.datetime | None], tuple[Rows, int]]  # Store.preferences_since


class PreferenceCopy:
    """get(user) from an in-process copy of the team's preferences; put(user, stored) after each write here."""

    def __init__(
        self, read_since: ReadSince, ttl: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self._read_since = read_since
        self._ttl = ttl
        self._clock = clock
        self._kept: dict[str, Preference] = {}
        self._newest: dt.datetime | None = None  # the newest updated_at read; None: nothing read yet
        self._read_at: float | None = None  # when the copy last caught up (clock()); None: never
        self._writes = 0  # bumped by every put()
        self._written: dict[str, int] = {}  # user -> the _writes count of its last put()
        self._lock = threading.Lock()  # guards the dicts and counters above
        self._catching_up = threading.Lock()  # one catch-up at a time

    def get(self, user_id: str) -> Preference:
        read_at = self._read_at
        if read_at is None or self._clock() - read_at >= self._ttl:
            self._catch_up()
        return self._kept.get(user_id) or Preference()

    def put(self, user_id: str, stored: Preference) -> None:
        """Called after each write of this person's preferences, with what was stored: the copy has it at once."""
        with self._lock:
            self._writes += 1
            self._written[user_id] = self._writes
            self._kept[user_id] = stored

    def _catch_up(self) -> None:
        # With a copy to answer from, a request never waits for another thread's catch-up: it reads the copy as
        # it is (at most a catch-up older). Without one (the first read), it waits.
        if not self._catching_up.acquire(blocking=self._read_at is None):
            return
        try:
            if self._read_at is not None and self._clock() - self._read_at < self._ttl:
                return  # another thread caught up while this one waited
            started = self._clock()
            with self._lock:
                writes = self._writes
            since = None if self._newest is None else self._newest - OVERLAP
            rows, count = self._read_since(since)
            self._apply(rows, writes, whole=since is None)
            if since is not None and count != len(self._kept):
                # Rows were deleted under the copy (every row the table holds is in it after a catch-up, so only a
                # deletion leaves it bigger than the table): read all of them again.
                rows, count = self._read_since(None)
                self._apply(rows, writes, whole=True)
            self._read_at = started
        finally:
            self._catching_up.release()

    def _apply(self, rows: Rows, writes: int, *, whole: bool) -> None:
        """The rows read into the copy, except for people written here since the read began (`writes`): what this
        process stored is newer than any row that read could have seen."""
        with self._lock:
            kept = {} if whole else self._kept
            if whole:  # people written here during the read keep what was written
                kept.update({user: self._kept[user] for user, at in self._written.items() if at > writes})
            for user, preference, updated_at in rows:
                if self._written.get(user, 0) <= writes:
                    kept[user] = preference
                if self._newest is None or updated_at > self._newest:
                    self._newest = updated_at
            self._kept = kept
            # Writes before this read are in the rows now: only later ones need protecting from the next read.
            self._written = {user: at for user, at in self._written.items() if at > writes}
