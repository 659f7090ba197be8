"""The stats report: one core function behind `/define stats` and `python -m bot stats`, its parsing, its
Slack rendering (valid Block Kit, escaped) and the command line's text and JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from blockkit import assert_no_injection, assert_valid_message
from paths import BUNDLED_TERMS

from bot.answers.ask import Ask, Asked, parse_command, parse_question
from bot.answers.lookup_stats import DEFAULT_DAYS, LookupStats, MissCount, TermCount, lookup_stats, stats_days
from bot.cli.main import main
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.reviews.stats import stats_message
from bot.state.lookups import LookupRow
from bot.state.store import now
from bot.term_requests.rules import RequestForm

EVIL = "<!channel> & <@U123> <https://x|y>"


def _row(query, outcome="miss", slug=None, surface="slash", days_ago=0.0):
    return LookupRow(surface, query, outcome, slug, "", now() - dt.timedelta(days=days_ago))


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, data_dir=tmp_path / "var", lookup_retention_days=60))
    yield rt
    rt.close()


def test_the_report_counts_everything_in_the_window(runtime):
    runtime.lookups.add(
        [
            _row("rag", "hit", "retrieval-augmented-generation", "slash"),
            _row("rag", "hit", "retrieval-augmented-generation", "mention"),
            _row("lora", "hit", "low-rank-adaptation", "mcp"),
            _row("rag vs lora", "comparison", None, "mention"),
            _row("halucinate", "suggestions", None, "dm"),
            _row("vibe coding", "miss", None, "slash"),
            _row("vibe coding", "miss", None, "dm"),
            _row("pizza", "miss", None, "button"),
            _row("old miss", "miss", None, "slash", days_ago=20),
        ]
    )
    runtime.requests.file(RequestForm(term="Vibe Coding", why="asked"), "UASKER01")
    stats = lookup_stats(runtime.lookups, runtime.glossary, days=7)
    assert stats.total == 8 and stats.found == 4 and stats.hit_rate == 0.5
    assert stats.by_outcome == {"hit": 3, "miss": 3, "comparison": 1, "suggestions": 1}
    assert stats.by_surface == {"dm": 2, "mention": 2, "slash": 2, "button": 1, "mcp": 1}
    assert stats.top_terms == (
        TermCount("retrieval-augmented-generation", "retrieval-augmented generation", 2),
        TermCount("low-rank-adaptation", "low-rank adaptation", 1),
    )
    assert stats.top_misses == (MissCount("vibe coding", 2, 1, "open"), MissCount("pizza", 1))
    assert lookup_stats(runtime.lookups, runtime.glossary, days=30).total == 9


def test_a_term_gone_from_the_glossary_is_listed_by_its_slug(runtime):
    runtime.lookups.add([_row("x", "hit", "a-removed-term")])
    assert lookup_stats(runtime.lookups, runtime.glossary, 1).top_terms == (
        TermCount("a-removed-term", "a-removed-term", 1),
    )


def test_no_lookups_is_a_zero_hit_rate_not_an_error(runtime):
    stats = runtime.lookup_stats(7)
    assert stats.total == 0 and stats.hit_rate == 0.0 and stats.top_misses == ()
    assert_valid_message(stats_message(stats))


def test_the_window_is_capped_at_the_retention(runtime):
    assert runtime.lookup_stats(365).days == 60


def test_stats_days():
    assert parse_command("  STATS   7 ") == Ask(Asked.STATS, "7") == parse_question("stats 7")
    for other in ("rag", "statistics", "search stats", '"stats"'):
        assert parse_command(other).action != Asked.STATS
    assert parse_question("show me the stats").action == Asked.DEFINE  # a subcommand counts only as the first word
    assert stats_days("") == DEFAULT_DAYS and stats_days(" 7 ") == 7
    for bad in ("seven", "0", "7 days", "-1", "99999"):
        with pytest.raises(ValueError, match="number of days"):
            stats_days(bad)


def _worst_case() -> LookupStats:
    misses = tuple(MissCount(f"{EVIL} {i} " + "x" * 200, 10 - i, i if i % 2 else None, "in_review") for i in range(10))
    terms = tuple(TermCount(f"s{i}", EVIL * 5, 20 - i) for i in range(10))
    surfaces = {f"{EVIL}{i}": i for i in range(7)}
    return LookupStats(30, now(), 100, 37, {"hit": 37, "miss": 63}, surfaces, terms, misses)


def test_the_slack_report_is_valid_escaped_and_offers_a_request_for_unrequested_misses():
    message = stats_message(_worst_case())
    assert_valid_message(message)
    assert_no_injection(message["blocks"])
    shown = json.dumps(message["blocks"])
    assert "37% found a term" in shown and "request #1 (in review)" in shown
    buttons = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert len(buttons) == 5 and {b["action_id"] for b in buttons} == {f"request_term:{i}" for i in (0, 2, 4, 6, 8)}
    assert "Never who asked" in shown


def test_cli_stats_text_and_json(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    rt = Runtime.open(Settings.from_env({"DATA_DIR": str(tmp_path / "var"), "GLOSSARY_DIR": str(BUNDLED_TERMS)}))
    rt.lookups.add([_row("vibe coding"), _row("vibe coding"), _row("rag", "hit", "retrieval-augmented-generation")])
    rt.close()
    assert main(["stats", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert "Lookups in the last 7 days: 3 (33% found a term)" in out
    assert "2  vibe coding  [no request yet]" in out and "retrieval-augmented generation" in out
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lookups"] == 3 and data["days"] == 30 and data["hit_rate"] == 0.3333
    assert data["top_misses"] == [{"query": "vibe coding", "count": 2, "request": None, "request_status": None}]
    assert main(["stats", "--days", "0"]) == 2


def test_terms_explain_found_in_a_message_do_not_count_as_looked_up(runtime):
    """Explain reports every term of a message; nobody looked those up, so they lead neither "most looked up"
    nor a starter pack, while the report still counts them under their own surface."""
    runtime.lookups.add(
        [_row("the reranker", "hit", "reranking", "shortcut") for _ in range(5)]
        + [_row("rag", "hit", "retrieval-augmented-generation", "slash")]
    )
    stats = lookup_stats(runtime.lookups, runtime.glossary, days=7)
    assert [t.slug for t in stats.top_terms] == ["retrieval-augmented-generation"]
    assert stats.by_surface["shortcut"] == 5
    assert "reranking" not in runtime.lookup_counts()


def test_stats_days_beyond_the_retention_are_refused_by_the_command_line(tmp_path, monkeypatch, capsys):
    from bot.cli.main import main

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOOKUP_RETENTION_DAYS", "30")
    assert main(["stats", "--days", "31"]) == 2
    assert "--days must be from 1 to 30 (LOOKUP_RETENTION_DAYS keeps 30 days), not 31" in capsys.readouterr().err
    with pytest.raises(ValueError, match="from 1 to 30 \\(lookups are kept 30 days\\)"):
        stats_days("31", most=30)
