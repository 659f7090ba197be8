"""Reload checks compare each file's stat before reading anything; a rebuild can run in another process."""

from __future__ import annotations

import os

import pytest
from termfactory import term_data, write_glossary

from bot.glossary import builder as builder_module
from bot.glossary.builder import Builder
from bot.glossary.db import ensure_built, stored_stats
from bot.glossary.files import file_stats
from bot.glossary.live import LiveGlossary, open_glossary
from bot.glossary.snapshot import index_path, usable


def test_a_same_size_edit_is_picked_up(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha", short_def="The first meaning."))
    live = LiveGlossary(terms, tmp_path / "g.db")
    path = next(terms.glob("*.yml"))
    text = path.read_text()
    edited = text.replace("The first meaning.", "The other meaning.")  # same length, new content
    assert len(edited) == len(text) and edited != text
    stat = path.stat()
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a newer time, same size
    assert live.reload() is True
    assert live.current.get("alpha").short_def == "The other meaning."


def test_a_touched_but_unchanged_file_is_read_once_and_not_rebuilt(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db")
    first = live.current
    path = next(terms.glob("*.yml"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert live.reload() is False and live.current is first
    assert live._stats == file_stats(terms)  # remembered: the next check reads nothing


def test_a_warm_start_reads_no_file_when_every_stat_matches(tmp_path, monkeypatch):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))
    db = tmp_path / "g.db"
    built = ensure_built(terms, db)
    assert built.rebuilt and stored_stats(db) == file_stats(terms)

    def no_reading(*args, **kwargs):
        raise AssertionError("a warm start with unchanged files must not read them")

    monkeypatch.setattr("bot.glossary.db.read_glossary_files", no_reading)
    again = ensure_built(terms, db)
    assert not again.rebuilt and again.version == built.version and again.terms == 2


ALWAYS_ELSEWHERE = 0  # term files from which the builder process builds: every glossary, in these tests


@pytest.mark.slow
def test_a_rebuild_in_another_process_is_swapped_in_whole(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db", builder=Builder(elsewhere_from=ALWAYS_ELSEWHERE))
    heard = []
    live.on_change(lambda old, new: heard.append((old.version, new.version)))
    old = live.current
    write_glossary(terms, term_data("beta"))
    assert live.reload() is True
    new = live.current
    assert new is not old and new.find("beta").status == "hit" and old.find("beta").status == "miss"
    assert heard == [(old.version, new.version)] and new.version != old.version
    assert live.reload() is False  # the stats of the new build are remembered


@pytest.mark.slow
def test_a_touched_file_rebuilt_elsewhere_is_not_a_change_and_is_remembered(tmp_path, monkeypatch):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    live = LiveGlossary(terms, tmp_path / "g.db", builder=Builder(elsewhere_from=ALWAYS_ELSEWHERE))
    first = live.current
    path = next(terms.glob("*.yml"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert live.reload() is False and live.current is first

    def no_builder(*args, **kwargs):
        raise AssertionError("unchanged stats must not start a builder")

    monkeypatch.setattr("bot.glossary.builder.build_elsewhere", no_builder)
    assert live.reload() is False


@pytest.mark.slow
def test_a_big_glossary_is_built_in_another_process_even_at_start(tmp_path, monkeypatch):
    """Its build's garbage must never land in the server's heap; a warm start then starts no builder."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))
    big_from_two = Builder(elsewhere_from=2)

    def not_here(*args, **kwargs):
        raise AssertionError("a big glossary must not be built in the serving process")

    monkeypatch.setattr("bot.glossary.builder.ensure_built", not_here)  # the builder process is a fresh one
    cold = LiveGlossary(terms, tmp_path / "g.db", builder=big_from_two)
    assert cold.report.rebuilt and cold.current.find("beta").status == "hit"

    def no_builder(*args, **kwargs):
        raise AssertionError("a warm start has nothing to build")

    monkeypatch.undo()
    monkeypatch.setattr("bot.glossary.builder.build_elsewhere", no_builder)
    warm = LiveGlossary(terms, tmp_path / "g.db", builder=big_from_two)
    assert not warm.report.rebuilt and list(warm.current.terms) == list(cold.current.terms)


def test_a_small_glossary_is_built_here_where_it_takes_less_than_starting_a_process(tmp_path, monkeypatch):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))

    def no_builder(*args, **kwargs):
        raise AssertionError("a small glossary is built in the serving process")

    monkeypatch.setattr("bot.glossary.builder.build_elsewhere", no_builder)
    live = LiveGlossary(terms, tmp_path / "g.db", builder=Builder(elsewhere_from=4))
    write_glossary(terms, term_data("gamma"))
    assert live.report.rebuilt and live.reload() is True and len(live.current) == 3


def test_a_builder_that_cannot_start_means_building_here_at_a_start_only(tmp_path, monkeypatch, caplog):
    """A start has nothing else to serve; a reload keeps serving the old glossary and tries again later."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))

    def cannot(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")  # no process can be started

    monkeypatch.setattr("bot.glossary.builder.build_elsewhere", cannot)
    live = LiveGlossary(terms, tmp_path / "g.db", builder=Builder(elsewhere_from=2))
    assert live.report.rebuilt and live.current.find("beta").status == "hit"
    assert "building it here" in caplog.text
    first = live.current
    write_glossary(terms, term_data("gamma"))
    with pytest.raises(OSError, match="Resource temporarily unavailable"):
        live.reload()
    assert live.current is first


def test_the_builder_runs_below_the_server_only_while_something_is_served(tmp_path, monkeypatch):
    """A start has nothing to serve: its build runs at full priority; a reload's build runs below it."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))
    asked: list[int] = []
    real = builder_module.ensure_built

    def record(glossary_dir, db_path, max_file_bytes, *, niceness):
        asked.append(niceness)
        return real(glossary_dir, db_path, max_file_bytes=max_file_bytes)

    monkeypatch.setattr("bot.glossary.builder.build_elsewhere", record)
    live = LiveGlossary(terms, tmp_path / "g.db", builder=Builder(elsewhere_from=2))
    write_glossary(terms, term_data("gamma"))
    assert live.reload() is True and len(live.current) == 3
    assert asked == [0, builder_module.BUILDER_NICENESS]


def _stale_index(terms, db, monkeypatch) -> None:
    """A database current for these files, beside an index saved by other code (as after an upgrade)."""
    with monkeypatch.context() as m:
        m.setattr("bot.glossary.snapshot.code_fingerprint", lambda: "older-code")
        open_glossary(terms, db)  # built here, its index saved before it returns
    assert index_path(db).exists() and not usable(db, ensure_built(terms, db).version)


@pytest.mark.slow
def test_a_start_after_an_upgrade_indexes_a_big_glossary_in_another_process(tmp_path, monkeypatch):
    """The saved index is stale (made by other code) and the database current: the terms are indexed in the
    builder process, never in the server's heap, and the server loads what it saved."""
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))
    db = tmp_path / "g.db"
    _stale_index(terms, db, monkeypatch)

    def not_here(*args, **kwargs):
        raise AssertionError("a big glossary must not be indexed in the serving process")

    monkeypatch.setattr("bot.glossary.live.read_terms", not_here)
    live = LiveGlossary(terms, db, builder=Builder(elsewhere_from=2))
    assert not live.report.rebuilt and live.current.find("beta").status == "hit"
    assert usable(db, live.report.version)


def test_a_stale_index_is_made_here_when_no_process_can_start_or_the_glossary_is_small(tmp_path, monkeypatch, caplog):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta"))
    db = tmp_path / "g.db"
    _stale_index(terms, db, monkeypatch)

    def cannot(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr("bot.glossary.builder.index_elsewhere", cannot)
    live = LiveGlossary(terms, db, builder=Builder(elsewhere_from=2))
    assert live.current.find("beta").status == "hit" and "indexing it here" in caplog.text

    other = tmp_path / "other.db"  # not g.db: the start above saves its index on a thread of its own
    _stale_index(terms, other, monkeypatch)
    caplog.clear()
    small = LiveGlossary(terms, other, builder=Builder(elsewhere_from=3))  # two files: not worth a process
    assert small.current.find("alpha").status == "hit" and "indexing" not in caplog.text
