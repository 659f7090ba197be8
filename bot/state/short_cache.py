"""Short-lived copies of what every card reads and few people change: each term's latest "Still accurate"
review (bot/state/verifications.py). People's preferences have a copy of their own (preference_copy.py).

Reading it through SQLAlchemy costs about as much CPU as the rest of a /define answer, so a
running bot keeps what it read for `ttl` seconds. A write made through this process replaces that
key's copy at once with what it stored (put: written through), or drops it (forget); a write made by
another worker or instance (same state database) shows here after at most `ttl` seconds: that is the
staleness bound. A read that raced a write is not kept, so a write is never hidden behind an older value
read just before it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")

DEFAULT_TTL_SECONDS = 5.0
MAX_KEPT = 10_000  # a bound on memory: beyond it the oldest copies go first


class ShortCache(Generic[V]):
    """Copies of `read(key)`, each kept `ttl` seconds; put(key, stored) or forget(key) after every write of it."""

    def __init__(
        self,
        read: Callable[[str], V],
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._read = read
        self._ttl = ttl
        self._clock = clock
        self._kept: dict[str, tuple[float, V]] = {}
        self._writes = 0  # bumped by every forget(): a read that spans a write is not kept
        self._lock = threading.Lock()

    def get(self, key: str) -> V:
        now = self._clock()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        writes = self._writes
        value = self._read(key)
        with self._lock:
            if writes == self._writes:
                self._keep(key, now, value)
        return value

    def put(self, key: str, stored: V) -> None:
        """Called after each write of this key with what was stored: the copy is the new value at once."""
        with self._lock:
            self._writes += 1
            self._keep(key, self._clock(), stored)

    def _keep(self, key: str, at: float, value: V) -> None:
        if len(self._kept) >= MAX_KEPT:
            self._kept.pop(next(iter(self._kept)))  # dicts keep insertion order: the oldest copy
        self._kept.pop(key, None)
        self._kept[key] = (at, value)

    def forget(self, key: str) -> None:
        """Called after each write of this key."""
        with self._lock:
            self._writes += 1
            self._kept.pop(key, None)
