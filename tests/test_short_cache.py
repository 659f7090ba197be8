"""Preferences are read through a short-lived cache; every write through the runtime drops the copy."""

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


def test_runtime_writes_invalidate_the_cached_preference(runtime):
    assert runtime.preferred("UCACHE01") == (None, None)
    runtime.set_framing("UCACHE01", Framing.ENGINEER)
    assert runtime.preferred("UCACHE01")[0].value == "engineer"
    role = runtime.set_role("UCACHE01", "security")
    assert role is not None and runtime.preferred("UCACHE01")[1] == role
    runtime.clear_preferences("UCACHE01")
    assert runtime.preferred("UCACHE01") == (None, None)
