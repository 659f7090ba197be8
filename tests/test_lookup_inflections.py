"""Inflections and British spellings of a name or alias reach their term: plural, -ed/-ing, -ise/-ize, -our/-or.

Before issue 8, "quantisation" and "embeddings" came back as "did you mean" (tests/test_lookup_fuzzy_and_search.py
asserted suggestions); an inflection is now a hit when one term is clearly the closest.
"""

from __future__ import annotations

import pytest
from termfactory import term_data, write_glossary

from bot.glossary.live import open_glossary
from bot.glossary.variants import stem, variant_key


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("quantisation", "quantization"),
        ("quantised", "quantization"),
        ("quantized", "quantization"),
        ("embeddings", "embedding"),
        ("LLMs", "large-language-model"),
        ("llms", "large-language-model"),
        ("fine-tuned", "fine-tuning"),
        ("fine tuned", "fine-tuning"),
        ("finetune", "fine-tuning"),  # a two-word name typed as one word, and inflected: the squashed name is
        ("finetuned", "fine-tuning"),  # "finetuning", which the stemmer cannot split
        ("chunks", "chunking"),
        ("hallucinations", "hallucination"),
        ("transformers", "transformer"),
        ("vector databases", "vector-database"),
        ("guardrail", "guardrails"),
        ("human in loop", "human-in-the-loop"),  # "the" left out, as people who write without articles do
    ],
)
def test_inflections_of_bundled_names_hit(bundled_glossary, typed, expected):
    r = bundled_glossary.find(typed)
    assert (r.status, r.how, r.term.slug) == ("hit", "variant", expected), r


def test_british_and_american_meet():
    assert variant_key("behaviour modelling") == variant_key("behavior modeling")
    assert stem("analysed") == stem("analyzed") and stem("optimisation") == stem("optimization")
    assert stem("four") != stem("for") + "x"  # short words are left alone


@pytest.fixture
def tokens(tmp_path):
    terms = write_glossary(tmp_path / "t", term_data("token", aliases=["subword"]), term_data("tokenizer"))
    g, _ = open_glossary(terms, tmp_path / "g.db")
    return g


def test_one_stem_several_terms_goes_to_the_closest_spelling(tokens):
    # "tokens", "tokenizers" and "token" all stem to "token": the closer surface form wins by a clear margin
    assert tokens.find("tokens").term.slug == "token"
    assert tokens.find("tokenizers").term.slug == "tokenizer"


def test_too_close_to_call_is_a_choice(tmp_path):
    terms = write_glossary(tmp_path / "t", term_data("data label"), term_data("data labels"))
    g, _ = open_glossary(terms, tmp_path / "g.db")
    r = g.find("data labeled")  # no exact key; one stem, two terms, neither clearly closer
    assert r.status == "ambiguous" and r.term is None
    assert {m.term.slug for m in r.matches} == {"data-label", "data-labels"}


def test_a_name_without_its_the_is_still_the_name_inside_a_question(bundled_glossary):
    from bot.answers.ask import answer_question

    asked = answer_question(bundled_glossary, "is necessary the human in loop for approve our chatbot answers?")
    assert asked.result.matches[0].term.slug == "human-in-the-loop"
    assert variant_key("human in the loop") == variant_key("human in loop") != variant_key("human loop")
