"""A short-lived copy (what reviews are read through) keeps a read for its ttl; a write replaces or drops it."""

from __future__ import annotations

from bot.state.short_cache import ShortCache
from bot.state.store import Preference


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_copy_is_kept_for_the_ttl_and_then_read_again():
    stored = {"U1": Preference("exec")}
    reads = []

    def read(user):
        reads.append(user)
        return stored.get(user, Preference())

    clock = Clock()
    cache = ShortCache(read, ttl=5, clock=clock)
    assert cache.get("U1").framing == "exec" and cache.get("U1").framing == "exec" and reads == ["U1"]
    stored["U1"] = Preference("engineer")  # written by another worker: seen after at most the ttl
    clock.now = 4.9
    assert cache.get("U1").framing == "exec"
    clock.now = 5.0
    assert cache.get("U1").framing == "engineer" and reads == ["U1", "U1"]


def test_forget_drops_the_copy_at_once():
    stored = {"U1": Preference("exec")}
    cache = ShortCache(lambda user: stored[user], ttl=60, clock=Clock())
    assert cache.get("U1").framing == "exec"
    stored["U1"] = Preference("engineer")
    cache.forget("U1")
    assert cache.get("U1").framing == "engineer"


def test_a_read_that_raced_a_write_is_not_kept():
    stored = {"U1": Preference("exec")}
    cache: ShortCache[Preference]

    def read_while_someone_writes(user):
        old = stored[user]
        stored[user] = Preference("engineer")  # the write lands during our read
        cache.forget(user)
        return old

    cache = ShortCache(read_while_someone_writes, ttl=60, clock=Clock())
    assert cache.get("U1").framing == "exec"  # what the read saw
    cache._read = lambda user: stored[user]
    assert cache.get("U1").framing == "engineer"  # not the stale copy


def test_put_replaces_the_copy_without_reading_again():
    stored = {"U1": Preference("exec")}
    reads = []

    def read(user):
        reads.append(user)
        return stored[user]

    cache = ShortCache(read, ttl=60, clock=Clock())
    assert cache.get("U1").framing == "exec"
    stored["U1"] = Preference("engineer", "legal")
    cache.put("U1", stored["U1"])
    assert cache.get("U1") == Preference("engineer", "legal") and reads == ["U1"]  # no read needed: written through
