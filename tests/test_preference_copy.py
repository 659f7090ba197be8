"""Every preference of a team copied in process: a new person costs no query, a write here is seen at once, and a
write or a deletion made by another worker (another store on the same state database) is seen after the ttl."""

from __future__ import annotations

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.config import Settings
from bot.glossary.model import Framing
from bot.runtime import Runtime
from bot.state.preference_copy import PreferenceCopy
from bot.state.store import Preference, Store
from bot.state.team import Team
from bot.state.teams import purge_team


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Counted:
    """Store.preferences_since, with each call recorded."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: list[object] = []

    def __call__(self, since):  # type: ignore[no-untyped-def]
        self.calls.append(since)
        return self.store.preferences_since(since)


@pytest.fixture
def stores(state_url):
    here, there = Store(state_url), Store(state_url)  # two workers on one state database
    yield here, there
    here.close()
    there.close()


def test_new_people_read_the_default_from_the_copy_with_one_read_in_all(stores):
    here, there = stores
    there.set_framing("UHAS0001", "exec")
    read = Counted(here)
    copy = PreferenceCopy(read, ttl=5, clock=Clock())
    assert copy.get("UHAS0001") == Preference("exec")
    assert all(copy.get(f"UNEW{i:04d}") == Preference() for i in range(50))
    assert read.calls == [None]  # one whole read at the start, none per person


def test_another_workers_write_shows_after_the_ttl_and_not_before(stores):
    here, there = stores
    there.set_framing("UFIRST01", "exec")  # a row to catch up from (an empty table is read whole, as cheaply)
    read, clock = Counted(here), Clock()
    copy = PreferenceCopy(read, ttl=5, clock=clock)
    assert copy.get("UOTHER01") == Preference()
    there.set_role("UOTHER01", "legal")
    clock.now = 4.9
    assert copy.get("UOTHER01") == Preference()  # within the staleness bound
    clock.now = 5.0
    assert copy.get("UOTHER01") == Preference(None, "legal")
    there.set_framing("UOTHER01", "engineer")  # a second change of a person the copy already holds
    clock.now = 10.0
    assert copy.get("UOTHER01") == Preference("engineer", "legal")
    assert read.calls[0] is None and all(since is not None for since in read.calls[1:])  # catch-ups, not whole reads


def test_rows_deleted_by_another_worker_leave_the_copy(stores, state_url):
    here, there = stores
    clock = Clock()
    copy = PreferenceCopy(Counted(here), ttl=5, clock=clock)
    there.set_framing("UGONE001", "exec")
    there.set_framing("UKEPT001", "engineer")
    assert copy.get("UGONE001") == Preference("exec")
    purge_team(there.engine, team_id=there.team.id)  # an uninstall with UNINSTALL_DATA=delete
    there.set_role("UNEWROW1", "legal")  # and a row written since, so the copy does not merely lose rows
    clock.now = 5.0
    assert copy.get("UGONE001") == Preference() and copy.get("UKEPT001") == Preference()
    assert copy.get("UNEWROW1") == Preference(None, "legal")


def test_a_write_here_is_seen_at_once_and_a_catch_up_that_raced_it_does_not_undo_it(stores):
    here, there = stores
    clock = Clock()
    copy: PreferenceCopy
    there.set_framing("URACE001", "exec")

    def read_while_this_process_writes(since):  # type: ignore[no-untyped-def]
        rows = here.preferences_since(since)  # what the read saw: exec
        copy.put("URACE001", here.set_framing("URACE001", "engineer"))  # the write lands during the read
        return rows

    copy = PreferenceCopy(read_while_this_process_writes, ttl=5, clock=clock)
    assert copy.get("URACE001") == Preference("engineer")  # not the older row the read returned
    copy._read_since = here.preferences_since
    clock.now = 5.0
    assert copy.get("URACE001") == Preference("engineer")


def test_each_team_has_its_own_copy(state_url):
    store = Store(state_url, Team("T0000001"))
    other = store.for_team(Team("T0000002"))
    store.set_framing("USAME001", "exec")
    other.set_framing("USAME001", "engineer")
    assert PreferenceCopy(store.preferences_since).get("USAME001") == Preference("exec")
    assert PreferenceCopy(other.preferences_since).get("USAME001") == Preference("engineer")
    store.close()


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime.open(
        Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path, reload_seconds=0)
    )
    yield rt
    rt.store.close()


def test_every_runtime_preference_write_is_written_through(runtime, monkeypatch):
    user = "UCACHE01"
    assert runtime.preferred(user) == (None, None)
    reads = []
    read = runtime.store.preferences_since
    monkeypatch.setattr(runtime.store, "preferences_since", lambda since: reads.append(since) or read(since))
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
