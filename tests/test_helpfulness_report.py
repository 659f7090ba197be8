"""Helpfulness per term (the cards' "Helpful?" votes) in `/define stats`, `python -m bot stats` and the Home's
reviewer section: the terms with the most 👎 first, with both counts; escaped, valid Block Kit, no voter shown."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from blockkit import assert_no_injection, assert_valid_message, assert_valid_view
from paths import BUNDLED_TERMS

from bot.answers.lookup_stats import LookupStats, TermFeedback, helpfulness
from bot.cli.main import main
from bot.cli.terminal import stats_text
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.home.view import ReviewerPart, home_view
from bot.slack.kit import ids
from bot.slack.reviews.stats import stats_message
from bot.state.store import now

EVIL = "<!channel> & <@U123> <https://x|y>"
RAG = "retrieval-augmented-generation"


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, data_dir=tmp_path / "var"))
    yield rt
    rt.close()


def vote(rt: Runtime, slug: str, helpful: int, unhelpful: int) -> None:
    for i in range(helpful):
        rt.record_feedback(f"UUP{slug[:4].upper()}{i}", slug, helpful=True)
    for i in range(unhelpful):
        rt.record_feedback(f"UDOWN{slug[:4].upper()}{i}", slug, helpful=False)


def test_the_most_unhelpful_terms_come_first_with_both_counts(runtime):
    vote(runtime, "fine-tuning", 5, 1)
    vote(runtime, RAG, 1, 3)
    vote(runtime, "hallucination", 0, 3)
    vote(runtime, "quantization", 2, 0)
    runtime.record_feedback("UUPFINE0", "fine-tuning", helpful=False)  # a changed vote counts once, as changed
    stats = runtime.lookup_stats(7)
    assert [(f.slug, f.helpful, f.not_helpful) for f in stats.feedback] == [
        (RAG, 1, 3),  # three 👎 and four votes: before the term with three 👎 of three
        ("hallucination", 0, 3),
        ("fine-tuning", 4, 2),
        ("quantization", 2, 0),
    ]
    assert stats.feedback[0].term == "retrieval-augmented generation"
    assert stats.as_dict()["feedback"][0] == {
        "slug": RAG,
        "term": "retrieval-augmented generation",
        "helpful": 1,
        "not_helpful": 3,
    }


def test_helpfulness_is_capped_skips_empty_counts_and_keeps_a_removed_term_by_slug(runtime):
    counts = {f"gone-{i}": (0, i) for i in range(15)}
    ranked = helpfulness(counts, runtime.glossary, limit=10)
    assert len(ranked) == 10 and ranked[0] == TermFeedback("gone-14", "gone-14", 0, 14)
    assert all(f.slug != "gone-0" for f in helpfulness(counts, runtime.glossary, limit=20))  # no votes: not listed


def _stats(feedback: tuple[TermFeedback, ...], total: int = 0) -> LookupStats:
    outcome = {"hit": total} if total else {}
    return LookupStats(30, now(), total, total, outcome, {"slash": total} if total else {}, (), (), feedback)


def test_the_slack_report_shows_helpfulness_escaped_even_without_lookups():
    feedback = tuple(TermFeedback(f"s{i}", f"{EVIL} {i}" * 4, i, 20 - i) for i in range(10))
    for total in (0, 12):
        message = stats_message(_stats(feedback, total))
        assert_valid_message(message)
        assert_no_injection(message["blocks"])
        [block] = [b for b in message["blocks"] if "Helpful? votes" in b.get("text", {}).get("text", "")]
        lines = block["text"]["text"].split("\n")[1:]
        assert len(lines) == 10 and lines[0].endswith(": 👍 0 · 👎 20") and "&lt;!channel&gt;" in lines[0]
    assert "Helpful? votes on cards" not in json.dumps(stats_message(_stats(())))


def test_the_terminal_report_shows_helpfulness():
    text = stats_text(_stats((TermFeedback(RAG, "retrieval-augmented generation", 1, 3),)))
    assert text.startswith("Lookups in the last 30 days: 0")
    assert "most 'not helpful' first" in text
    assert text.splitlines()[-1] == "        1            3  retrieval-augmented generation"


def test_cli_stats_includes_helpfulness(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    env = {"DATA_DIR": str(tmp_path / "var"), "GLOSSARY_DIR": str(BUNDLED_TERMS)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    rt = Runtime.open(Settings.from_env(env))
    vote(rt, "fine-tuning", 2, 1)
    rt.close()
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["feedback"] == [{"slug": "fine-tuning", "term": "fine-tuning", "helpful": 2, "not_helpful": 1}]
    assert main(["stats"]) == 0
    assert "        2            1  fine-tuning" in capsys.readouterr().out


def _home(feedback):
    """The fullest reviewer Home of the Home's own tests, with these votes."""
    from test_render_home_browse import model

    base = model(reviewer=True)
    part = ReviewerPart(base.reviewer.open_requests, base.reviewer.misses, feedback)
    return home_view(replace(base, reviewer=part))


def test_the_homes_reviewer_section_lists_the_cards_with_the_most_thumbs_down():
    feedback = [TermFeedback(f"slug-{i}", f"{EVIL} {i}", 3, 12 - i) for i in range(12)]
    feedback.append(TermFeedback("liked", "liked", 9, 0))
    view = _home(feedback)
    assert_valid_view(view)
    assert_no_injection(view["blocks"])
    assert len(view["blocks"]) <= 80  # the fullest Home keeps its room to spare
    blocks = view["blocks"]
    start = next(i for i, b in enumerate(blocks) if "Least helpful cards" in b.get("text", {}).get("text", ""))
    rows = blocks[start + 1 :]
    assert len(rows) == 5  # the five with the most 👎
    assert rows[0]["text"]["text"] == "*&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://x|y&gt; 0* · 👎 12 · 👍 3"
    assert [r["accessory"]["value"] for r in rows] == [f"slug-{i}" for i in range(5)]
    assert {r["accessory"]["action_id"] for r in rows} == {ids.HOME_TERM}


def test_the_home_says_when_no_card_has_a_thumbs_down():
    view = _home([TermFeedback("liked", "liked", 9, 0)])
    assert_valid_view(view)
    assert view["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "No card has a 👎 yet.", "verbatim": True}],
    }


def test_the_home_reads_the_votes_from_the_runtime(runtime):
    from bot.slack.home.page import HomeState, build_home

    vote(runtime, RAG, 0, 2)
    view = build_home(runtime, "UREVIEW01", HomeState(), reviewer=True)
    assert_valid_view(view)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "*retrieval-augmented generation* · 👎 2 · 👍 0" in shown
    member = json.dumps(build_home(runtime, "UASKER01", HomeState(), reviewer=False)["blocks"], ensure_ascii=False)
    assert "Least helpful cards" not in member
