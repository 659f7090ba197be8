"""The state store on SQLite and PostgreSQL: preferences and act-once event ids."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import update

from bot.state.schema import processed_events
from bot.state.store import Store


def test_preferences_default_then_upsert(state_url):
    store = Store(state_url)
    assert store.preference("U1").framing is None and store.preference("U1").role is None
    store.set_framing("U1", "exec")
    store.set_role("U1", "legal")
    store.set_framing("U1", "engineer")
    pref = store.preference("U1")
    assert (pref.framing, pref.role) == ("engineer", "legal")
    store.set_framing("U1", None)
    assert store.preference("U1").framing is None and store.preference("U1").role == "legal"
    assert store.preference("U2").framing is None
    store.close()


def test_store_reopens_the_same_data(state_url):
    Store(state_url).set_framing("U1", "exec")
    assert Store(state_url).preference("U1").framing == "exec"  # reopening at the newest revision changes nothing


def test_an_event_is_claimed_once_among_racing_threads(state_url):
    store = Store(state_url)
    results: list[bool] = []
    barrier = threading.Barrier(16)

    def claim():
        barrier.wait()
        results.append(store.claim_event("Ev-race"))

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 15 + [True]
    store.close()


def test_old_event_ids_are_forgotten(state_url):
    store = Store(state_url)
    store.claim_event("old")
    store.claim_event("new")
    with store.engine.begin() as conn:
        conn.execute(
            update(processed_events)
            .where(processed_events.c.event_id == "old")
            .values(received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
        )
    assert store.forget_old_events() == 1
    assert store.claim_event("old") is True and store.claim_event("new") is False


def test_sqlite_file_uses_wal(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'deep' / 'state.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "deep" / "state.db").exists()


def test_claiming_prunes_old_ids_now_and_then(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.claim_event("ancient")
    with store.engine.begin() as conn:
        conn.execute(update(processed_events).values(received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=9)))
    store._claims = 1000  # the next claim is the thousand-and-first since start
    store.claim_event("fresh")
    assert store.claim_event("ancient") is True  # it had been forgotten


def test_threads_of_one_process_take_turns_to_write_a_sqlite_file(tmp_path, monkeypatch):
    """With SQLite's busy wait switched off, every write by 8 racing threads still succeeds: they queue in
    Store.writing, not in SQLite's busy handler (whose backoff sleeps made a burst of mentions wait)."""
    import bot.state.store as store_module

    monkeypatch.setattr(store_module, "SQLITE_BUSY_SECONDS", 0)  # a thread that met the lock would fail at once
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    views = [store.for_team(store.team) for _ in range(8)]  # a team's view shares the turn with the store
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def write(view: Store, k: int) -> None:
        barrier.wait()
        for i in range(40):
            try:
                assert view.claim_event(f"Ev-{k}-{i}")
            except BaseException as exc:  # "database is locked", had the threads met at SQLite's lock
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(view, k)) for k, view in enumerate(views)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert not any(store.claim_event(f"Ev-{k}-{i}") for k in range(8) for i in range(40))  # each stored once
    store.close()


def test_a_write_that_cannot_get_the_sqlite_lock_fails_as_sqlalchemy_reports_it(tmp_path, monkeypatch):
    """BEGIN IMMEDIATE goes straight to the driver (make_engine); its failure is still SQLAlchemy's
    OperationalError, which start-up and the CLI read, and the store works again once the lock is free."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    import bot.state.store as store_module

    monkeypatch.setattr(store_module, "SQLITE_BUSY_SECONDS", 0)
    path = tmp_path / "state.db"
    store = Store(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer, say
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match=r"(?s)locked.*BEGIN IMMEDIATE"):
            store.set_framing("U1", "exec")
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.set_framing("U1", "exec")
    assert store.preference("U1").framing == "exec"
    store.close()
