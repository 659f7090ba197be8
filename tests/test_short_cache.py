"""Preferences are read through a short-lived cache; every write through the runtime writes through it."""

from __future__ import annotations

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.config import Settings
from bot.glossary.model import Framing
from bot.runtime import Runtime
from bot.state.short_cache import PreferenceCache
from bot.state.store import Preference


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime.open(
        Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path, reload_seconds=0)
    )
    yield rt
    rt.store.close()


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
    cache = PreferenceCache(read, ttl=5, clock=clock)
    assert cache.get("U1").framing == "exec" and cache.get("U1").framing == "exec" and reads == ["U1"]
    stored["U1"] = Preference("engineer")  # written by another worker: seen after at most the ttl
    clock.now = 4.9
    assert cache.get("U1").framing == "exec"
    clock.now = 5.0
    assert cache.get("U1").framing == "engineer" and reads == ["U1", "U1"]


def test_forget_drops_the_copy_at_once():
    stored = {"U1": Preference("exec")}
    cache = PreferenceCache(lambda user: stored[user], ttl=60, clock=Clock())
    assert cache.get("U1").framing == "exec"
    stored["U1"] = Preference("engineer")
    cache.forget("U1")
    assert cache.get("U1").framing == "engineer"


def test_a_read_that_raced_a_write_is_not_kept():
    stored = {"U1": Preference("exec")}
    cache: PreferenceCache

    def read_while_someone_writes(user):
        old = stored[user]
        stored[user] = Preference("engineer")  # the write lands during our read
        cache.forget(user)
        return old

    cache = PreferenceCache(read_while_someone_writes, ttl=60, clock=Clock())
    assert cache.get("U1").framing == "exec"  # what the read saw
    cache._read = lambda user: stored[user]
    assert cache.get("U1").framing == "engineer"  # not the stale copy


def test_put_replaces_the_copy_without_reading_again():
    stored = {"U1": Preference("exec")}
    reads = []

    def read(user):
        reads.append(user)
        return stored[user]

    cache = PreferenceCache(read, ttl=60, clock=Clock())
    assert cache.get("U1").framing == "exec"
    stored["U1"] = Preference("engineer", "legal")
    cache.put("U1", stored["U1"])
    assert cache.get("U1") == Preference("engineer", "legal") and reads == ["U1"]  # no read needed: written through


def test_every_runtime_preference_write_is_written_through(runtime, monkeypatch):
    user = "UCACHE01"
    assert runtime.preferred(user) == (None, None)
    reads = []
    read = runtime.store.preference
    monkeypatch.setattr(runtime.store, "preference", lambda u: reads.append(u) or read(u))
    runtime.set_framing(user, Framing.ENGINEER)
    assert runtime.preferred(user)[0] == Framing.ENGINEER
    role = runtime.set_role(user, "security")
    assert role is not None and runtime.preferred(user) == (Framing.ENGINEER, role)
    runtime.clear_role(user)  # the Home's "No role": it once left the old role in the copy for 5 seconds
    assert runtime.preferred(user) == (Framing.ENGINEER, None)
    runtime.set_role(user, "legal")
    runtime.clear_preferences(user)
    assert runtime.preferred(user) == (None, None)
    assert reads == []  # every answer above came from the copy each write left, not from a read after it
