"""An acronym a name spells reaches its term by exact match, even unlisted; never by typo matching."""

from __future__ import annotations

import pytest
from termfactory import term_data, write_glossary

from bot.glossary.live import open_glossary
from bot.glossary.variants import acronyms


@pytest.fixture(scope="module")
def glossary(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("acronyms")
    terms = write_glossary(
        tmp / "t",
        term_data("kv cache", aliases=["attention cache"]),
        term_data("chain-of-thought prompting", aliases=["step by step prompting"]),
        term_data("mixture of experts", aliases=["expert routing"]),
        term_data("parameter-efficient fine-tuning", aliases=["adapter tuning"]),
        term_data("model evaluation", aliases=["scoring runs"]),
        term_data("media eval", aliases=["media scoring"]),
        term_data("privacy impact assessment", aliases=["PIA"]),
        term_data("mean absolute deviation", aliases=["average deviation"], short_def="The MAD of a set."),
    )
    g, _ = open_glossary(terms, tmp / "g.db")
    return g


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("KV", "kv-cache"),
        ("CoT", "chain-of-thought-prompting"),
        ("MoE", "mixture-of-experts"),
        ("PEFT", "parameter-efficient-fine-tuning"),
    ],
)
def test_typed_in_capitals_an_unlisted_acronym_hits(glossary, typed, slug):
    r = glossary.find(typed)
    assert (r.status, r.how, r.term.slug) == ("hit", "acronym", slug)


def test_several_terms_with_one_acronym_are_a_choice(glossary):
    r = glossary.find("ME")
    assert r.status == "ambiguous" and {m.term.slug for m in r.matches} >= {"model-evaluation", "media-eval"}


def test_lower_case_is_only_offered_and_only_when_the_text_uses_it(glossary):
    r = glossary.find("mad")  # a word as often as an acronym: offered, since the definition says "MAD"
    assert (r.status, r.how, r.matches[0].term.slug) == ("suggestions", "acronym", "mean-absolute-deviation")
    assert glossary.find("cot").status != "hit"


def test_a_listed_alias_wins_over_a_spelled_acronym(glossary):
    assert glossary.find("PIA").how == "alias"


def test_short_aliases_are_never_typo_matched(glossary):
    # "pizza" is not "did you mean PIA" (the fuzzy step once offered it)
    assert glossary.find("pizza").status == "miss"
    assert glossary.find("pib").status == "miss"


def test_chat_shorthand_is_no_acronym(glossary):
    assert glossary.find("FYI").status == "miss"


def test_acronym_keys():
    assert {"cot", "cotp", "ctp"} <= acronyms("chain of thought prompting")
    assert {"kv", "kc"} <= acronyms("kv cache")
    assert "moe" in acronyms("mixture of experts") and acronyms("transformer") == set()
