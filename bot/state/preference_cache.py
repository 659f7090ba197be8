"""A short-lived copy of people's preferences, because every card reads them and few people change them.

Reading a preference through SQLAlchemy costs about as much CPU as the rest of a /define answer, so a
running bot keeps what it read for `ttl` seconds. A write made through this process drops that
person's copy at once; a write made by another worker or instance (same state database) shows here
after at most `ttl` seconds: that is the staleness bound. A read that raced a write is not kept, so
a write is never hidden behind an older value read just before it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .store import Preference

DEFAULT_TTL_SECONDS = 5.0
MAX_PEOPLE = 10_000  # a bound on memory: beyond it the oldest copies go first


class PreferenceCache:
    def __init__(
        self,
        read: Callable[[str], Preference],
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._read = read
        self._ttl = ttl
        self._clock = clock
        self._kept: dict[str, tuple[float, Preference]] = {}
        self._writes = 0  # bumped by every forget(): a read that spans a write is not kept
        self._lock = threading.Lock()

    def get(self, user_id: str) -> Preference:
        now = self._clock()
        kept = self._kept.get(user_id)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        writes = self._writes
        preference = self._read(user_id)
        with self._lock:
            if writes == self._writes:
                if len(self._kept) >= MAX_PEOPLE:
                    self._kept.pop(next(iter(self._kept)))  # dicts keep insertion order: the oldest copy
                self._kept.pop(user_id, None)
                self._kept[user_id] = (now, preference)
        return preference

    def forget(self, user_id: str) -> None:
        """Called after each write of this person's preferences."""
        with self._lock:
            self._writes += 1
            self._kept.pop(user_id, None)
