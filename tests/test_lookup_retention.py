"""LOOKUP_RETENTION_DAYS: lookups older than it are purged, by the writer when it starts and hourly after."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from bot.config import Settings, SettingsError
from bot.state.lookups import LookupLog, LookupRow, LookupWriter
from bot.state.store import Store, now


def _row(days_ago: float, query: str) -> LookupRow:
    return LookupRow("slash", query, "miss", None, "", now() - dt.timedelta(days=days_ago))


def _queries(log: LookupLog) -> list[str]:
    return sorted(q for q, _ in log.top_misses(now() - dt.timedelta(days=10_000), 100))


def test_purge_deletes_only_rows_past_the_retention(state_url):
    store = Store(state_url)
    log = LookupLog(store)
    log.add([_row(0, "today"), _row(29, "last month"), _row(31, "too old"), _row(400, "ancient")])
    assert log.purge(30) == 2
    assert _queries(log) == ["last month", "today"]
    assert log.purge(30) == 0
    store.close()


def test_the_writer_purges_when_it_starts_and_then_at_most_every_interval(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    log = LookupLog(store)
    log.add([_row(100, "old"), _row(1, "recent")])
    writer = LookupWriter(log, 90)
    writer.start()
    writer.put(_row(0, "new"))
    assert writer.flush(5)
    assert _queries(log) == ["new", "recent"]
    log.add([_row(200, "older still")])  # within the hour: not purged again yet
    writer.put(_row(0, "newer"))
    assert writer.flush(5)
    assert "older still" in _queries(log)
    writer.close()
    store.close()


def test_an_idle_writer_still_purges(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    log = LookupLog(store)
    writer = LookupWriter(log, 7, purge_every=0.05)
    writer.start()
    assert writer.flush(5)  # the first purge ran
    log.add([_row(8, "stale")])
    purged = False
    for _ in range(500):  # nothing is queued (not even a flush): the next purge comes from the idle timer
        time.sleep(0.02)
        if not _queries(log):
            purged = True
            break
    assert purged
    writer.close()
    store.close()


def test_the_setting():
    assert Settings.from_env({}).lookup_retention_days == 90
    assert Settings.from_env({"LOOKUP_RETENTION_DAYS": " 30 "}).lookup_retention_days == 30
    for bad in ("0", "-5", "ninety", "1.5"):
        with pytest.raises(SettingsError, match="LOOKUP_RETENTION_DAYS"):
            Settings.from_env({"LOOKUP_RETENTION_DAYS": bad})


def test_env_example_documents_it():
    from paths import ROOT

    assert "LOOKUP_RETENTION_DAYS=90" in (ROOT / ".env.example").read_text()
