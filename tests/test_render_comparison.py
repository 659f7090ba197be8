"""A comparison in Slack: both short definitions side by side, unsettled statuses marked, an Open button per
card carrying the framing asked for; valid Block Kit, escaped. And the core that decides a comparison:
`Glossary.compare`, `/define`'s comparisons, and the words a question asked about (`Reply.asked`)."""

from __future__ import annotations

import json

import pytest
from blockkit import assert_no_injection, assert_valid_message
from termfactory import term_data, write_glossary

from bot.answers.ask import answer_question, parse_command
from bot.glossary.live import open_glossary
from bot.glossary.lookup import LookupResult
from bot.glossary.model import Framing, LookupStatus
from bot.slack.cards.comparison import comparison_message
from bot.slack.kit.card_state import CardState

EVIL = "<!channel> & <@U123|x>"


@pytest.fixture(scope="module")
def glossary(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cmp")
    terms = write_glossary(
        tmp / "terms",
        term_data("alpha model", status="draft", short_def=f"Alpha {EVIL}. " + "word " * 700),
        term_data("beta model", status="deprecated"),
        term_data("gamma model"),
        term_data("delta vs epsilon"),
        term_data("epsilon"),
        term_data("delta"),
    )
    found, _ = open_glossary(terms, tmp / "g.db")
    return found


def test_both_definitions_side_by_side_with_unsettled_statuses_marked(glossary):
    result = glossary.compare("alpha model vs beta model")
    assert result is not None and result.status == LookupStatus.COMPARISON
    message = comparison_message(result, Framing.EXEC)
    assert_valid_message(message)
    assert_no_injection(message["blocks"])
    first, second = message["blocks"][0]["fields"]
    draft = "*alpha model* · 📝 _Draft: not reviewed yet_\n"
    assert first["text"].startswith(draft + "Alpha &lt;!channel&gt; &amp; &lt;@U123|x&gt;.")
    assert first["text"].endswith("…") and len(first["text"]) <= 2000  # a long definition is cut, not refused
    deprecated = "*beta model* · ⚠️ _Deprecated: do not use this term in new work_\n"
    assert second["text"].startswith(deprecated + "A short definition of beta model.")
    opens = message["blocks"][1]["elements"]
    assert [b["text"]["text"] for b in opens] == ["Open alpha model", "Open beta model"]
    assert [b["action_id"] for b in opens] == ["open_term:0", "open_term:1"]
    assert [CardState.decode(b["value"]) for b in opens] == [
        CardState("alpha-model", Framing.EXEC),
        CardState("beta-model", Framing.EXEC),
    ]


def test_an_approved_term_carries_no_status_mark(glossary):
    message = comparison_message(glossary.compare("compare gamma model and beta model"))
    assert message["blocks"][0]["fields"][0]["text"].startswith("*gamma model*\n")
    assert json.loads(message["blocks"][1]["elements"][0]["value"])["f"] == ""


def test_only_a_comparison_can_be_rendered_as_one(glossary):
    with pytest.raises(ValueError):
        comparison_message(LookupResult(LookupStatus.MISS, "alpha"))


def test_compare_needs_two_different_terms(glossary):
    assert glossary.compare("alpha model vs zqxjkv") is None
    assert glossary.compare("alpha model vs alpha model alias") is None  # one term twice
    assert glossary.compare("alpha model") is None


def test_define_answers_a_comparison_after_its_own_lookup(glossary):
    from types import SimpleNamespace

    from bot.runtime import Runtime

    # define() needs the glossary and, for a hit, a card; a stand-in that builds no card shows which path ran.
    rt = SimpleNamespace(glossary=glossary, card_for=lambda user, term, **kw: term.slug)
    answer = Runtime.define(rt, "U1", parse_command("alpha model vs beta model exec"))  # type: ignore[arg-type]
    assert answer.result.status == LookupStatus.COMPARISON and answer.framing == Framing.EXEC
    assert [t.slug for t in answer.result.compared or ()] == ["alpha-model", "beta-model"]
    named = Runtime.define(rt, "U1", parse_command("delta vs epsilon"))  # type: ignore[arg-type]
    assert named.result.status == LookupStatus.HIT and named.card == "delta-vs-epsilon"  # a name beats a comparison
    # One reading on every surface (issue 18): "X or Y" is a comparison in /define as in a mention.
    assert Runtime.define(rt, "U1", parse_command("alpha model or beta model")).result.status == "comparison"  # type: ignore[arg-type]


def test_the_words_asked_about(bundled_glossary):
    typo = answer_question(bundled_glossary, "promt engineering for engineers")
    assert typo.result.status == LookupStatus.SUGGESTIONS and typo.asked == "promt engineering"
    assert answer_question(bundled_glossary, "zqxjkv exec").asked == "zqxjkv"  # a miss: the framing word is not it
    assert answer_question(bundled_glossary, "what does zqxjkv mean for execs?").asked == "zqxjkv"
    assert answer_question(bundled_glossary, "what is halucination?").asked == "halucination"
