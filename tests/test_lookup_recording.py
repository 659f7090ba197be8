"""Lookup analytics: every lookup queued off the answer's path, written in batches, readable as counts,
and a broken state database never fails an answer (logged once per burst, not once per lookup)."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.answers.ask import parse_command, parse_question
from bot.config import Settings
from bot.glossary.lookup import LookupResult
from bot.glossary.model import LookupStatus, MatchHow
from bot.runtime import Runtime
from bot.slack.router import Asking, answer
from bot.state import lookups as lookups_module
from bot.state.lookups import LookupLog, LookupRow, LookupWriter, clean_query
from bot.state.store import Store, now


@pytest.fixture
def runtime(tmp_path, state_url):
    from bot.glossary.live import LiveGlossary
    from bot.glossary.roles import load_roles

    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path / "var")
    rt = Runtime(
        settings, LiveGlossary(BUNDLED_TERMS, settings.glossary_db), Store(state_url), load_roles(BUNDLED_ROLES)
    )
    yield rt
    rt.close()


def row(query: str = "pizza", outcome: str = "miss", slug: str | None = None, surface: str = "slash", at=None):
    return LookupRow(surface, query, outcome, slug, "", at or now())


def test_every_define_surface_is_recorded_with_its_outcome(runtime):
    answer(Asking(runtime, "UASKER01", parse_command("rag")))
    answer(Asking(runtime, "UASKER01", parse_question("what is MoE?"), "mention", "what is MoE?"))
    answer(Asking(runtime, "UASKER01", parse_question("quantum pizza oven"), "dm", "quantum pizza oven"))
    answer(Asking(runtime, "UASKER01", parse_command("search make a model smaller")))
    runtime.record_opened("button", "fine-tuning")
    assert runtime.flush_lookups(5)
    stats = runtime.lookup_stats(7)
    assert stats.by_surface == {"slash": 2, "button": 1, "dm": 1, "mention": 1}
    assert runtime.lookup_counts() == {
        "fine-tuning": 1,
        "mixture-of-experts": 1,
        "retrieval-augmented-generation": 1,
    }
    assert runtime.top_misses() == [("quantum pizza oven", 1)]


def test_subcommands_that_are_not_lookups_record_nothing(runtime):
    answer(Asking(runtime, "UASKER01", parse_command("set exec")))
    answer(Asking(runtime, "UASKER01", parse_command("help")))
    runtime.flush_lookups(5)
    assert runtime.lookup_stats(7).total == 0


def test_counts_and_misses_respect_the_window_and_the_limit(runtime):
    old = now() - dt.timedelta(days=10)
    runtime.lookups.add(
        [row("pizza"), row("pizza"), row("kubernetes"), row("pizza", at=old), row("rag", "hit", "rag", at=old)]
        + [row(f"miss {i}") for i in range(12)]
    )
    assert runtime.top_misses(days=7, limit=2) == [("pizza", 2), ("kubernetes", 1)]
    assert len(runtime.top_misses(days=7, limit=10)) == 10
    assert runtime.top_misses(days=30, limit=1) == [("pizza", 3)]
    assert runtime.lookup_counts(days=7) == {} and runtime.lookup_counts(days=30) == {"rag": 1}


def test_mcp_surface_through_record_lookup(runtime):
    term = runtime.glossary.get("fine-tuning")
    from bot.glossary.lookup import Match

    runtime.record_lookup("mcp", "Fine Tuning", LookupResult(LookupStatus.HIT, "Fine Tuning", (Match(term, 100, "x"),)))
    runtime.record_lookup("mcp", "zzz", LookupResult(LookupStatus.MISS, "zzz"))
    runtime.flush_lookups(5)
    stats = runtime.lookup_stats(1)
    assert stats.by_surface == {"mcp": 2} and stats.by_outcome == {"hit": 1, "miss": 1}
    assert runtime.lookup_counts() == {"fine-tuning": 1}


def test_the_stored_query_is_normalised_and_cut(runtime):
    runtime.record_lookup("slash", "  Fine—TUNING?  ", LookupResult(LookupStatus.MISS, "x"))
    runtime.record_lookup("slash", "word " * 200, LookupResult(LookupStatus.MISS, "x"))
    runtime.flush_lookups(5)
    queries = [q for q, _ in runtime.top_misses(1, 10)]
    assert "fine tuning" in queries and max(len(q) for q in queries) == 200


def test_clean_query_drops_slack_markup_and_pasted_ids():
    assert clean_query("<@U0123ABCD> what about <#C0123ABCD|general> MoE") == "what about moe"
    assert clean_query("ask W0123ABCDE or U99999999X about LoRA") == "ask or about lora"
    assert clean_query("UNDERFITTING") == "underfitting"  # a word in capitals is not an id


class BrokenLog(LookupLog):
    """A state database that refuses every write."""

    def __init__(self) -> None:
        self.attempts = 0

    def add(self, rows):
        self.attempts += 1
        raise RuntimeError("database is down\nsecond line")

    def purge(self, keep_days, *, at=None):
        raise RuntimeError("database is down")


def test_a_broken_store_never_fails_an_answer(runtime, caplog):
    runtime.lookup_writer = LookupWriter(BrokenLog(), 90)
    message = answer(Asking(runtime, "UASKER01", parse_command("fine-tuning")))
    assert message["blocks"][0]["text"]["text"] == "fine-tuning"
    miss = answer(Asking(runtime, "UASKER01", parse_command("zzzqqq")))
    assert "No term matches" in miss["text"]
    assert runtime.flush_lookups(5)


def test_failures_are_logged_once_per_burst_and_the_recovery_once(caplog):
    broken = BrokenLog()
    writer = LookupWriter(broken, 90)
    caplog.set_level(logging.WARNING, logger="bot.state.lookups")
    for _ in range(3):
        writer.put(row())
        assert writer.flush(5)
    failures = [r for r in caplog.records if "could not record" in r.getMessage()]
    assert broken.attempts == 3 and len(failures) == 1
    assert "database is down" in failures[0].getMessage() and "second line" not in failures[0].getMessage()
    written: list[LookupRow] = []
    broken.add = lambda rows: written.extend(rows)  # the database is back
    writer.put(row("back"))
    assert writer.flush(5)
    assert [r.query for r in written] == ["back"]
    assert [r.getMessage() for r in caplog.records if "recording again" in r.getMessage()] == [
        "lookup analytics recording again; 3 lookups were not recorded"
    ]
    writer.close()


class SlowLog(LookupLog):
    """Writes wait for the test to let them go: how the rows queued meanwhile are batched."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.release = threading.Event()
        self.entered = threading.Event()

    def add(self, rows):
        self.entered.set()
        self.release.wait(10)
        self.batches.append(len(rows))

    def purge(self, keep_days, *, at=None):
        return 0


def test_rows_queued_during_a_write_go_in_one_batch_and_put_never_waits_for_it():
    slow = SlowLog()
    writer = LookupWriter(slow, 90)
    writer.put(row("first"))
    assert slow.entered.wait(5)  # the thread is inside a write that does not finish
    for i in range(50):
        writer.put(row(f"q{i}"))  # returns although the database is stuck
    slow.release.set()
    assert writer.flush(5)
    assert slow.batches == [1, 50]
    writer.close()


def test_a_full_queue_drops_rows_instead_of_blocking(monkeypatch, caplog):
    monkeypatch.setattr(lookups_module, "QUEUE_MAX", 3)
    slow = SlowLog()
    writer = LookupWriter(slow, 90)
    writer.put(row("first"))
    assert slow.entered.wait(5)
    caplog.set_level(logging.WARNING, logger="bot.state.lookups")
    for i in range(10):
        writer.put(row(f"q{i}"))
    assert len([r for r in caplog.records if "queue is full" in r.getMessage()]) == 1
    slow.release.set()
    assert writer.flush(5)
    assert slow.batches == [1, 3]
    writer.close()


def test_close_writes_what_is_queued(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    log = LookupLog(store)
    writer = LookupWriter(log, 90)
    for i in range(5):
        writer.put(row(f"q{i}"))
    writer.close()
    assert not writer._thread.is_alive()
    assert len(log.top_misses(now() - dt.timedelta(days=1), 10)) == 5
    store.close()


def test_a_result_of_an_odd_shape_is_ignored(runtime):
    runtime.record_lookup("slash", "x", object())  # type: ignore[arg-type]
    runtime.record_lookup("slash", "x", LookupResult(LookupStatus.MISS, "x", how=MatchHow.NONE))
    runtime.flush_lookups(5)
    assert runtime.lookup_stats(1).total == 1
