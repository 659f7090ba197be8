"""Typos go to rapidfuzz; questions of several words fall back to full-text search; nonsense is a miss."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("fine tunnig", "fine-tuning"),
        ("retreival augmented generation", "retrieval-augmented-generation"),
        ("halucination", "hallucination"),
    ],
)
def test_typos_put_the_right_term_first(bundled_glossary, typed, expected):
    r = bundled_glossary.find(typed)
    assert r.status == "suggestions" and r.how == "fuzzy"
    assert r.matches[0].term.slug == expected
    assert [m.score for m in r.matches] == sorted((m.score for m in r.matches), reverse=True)


@pytest.mark.parametrize("typed", ["pizza", "kubernetes", "xyzzy", "banana bread recipe"])
def test_unrelated_words_are_a_miss(bundled_glossary, typed):
    assert bundled_glossary.find(typed).status == "miss"


def test_a_question_falls_back_to_the_definitions(bundled_glossary):
    r = bundled_glossary.find("make a model smaller for inference")
    assert r.status == "suggestions" and r.how in ("search", "meaning")
    top = [m.term.slug for m in r.matches[:3]]
    assert "quantization" in top or "knowledge-distillation" in top, top


@pytest.mark.parametrize(
    "typed",
    [
        '"unbalanced',
        "model AND",
        "NEAR(model",
        "c++",
        "model*",
        "a OR b NOT c",
        "'; drop table terms; --",
        "title:model",
        "^model",
        "-model",
    ],
)
def test_fts_syntax_is_only_text(bundled_glossary, typed):
    r = bundled_glossary.find(typed)
    assert r.status in {"hit", "ambiguous", "suggestions", "miss"}
    assert bundled_glossary.search(typed).status in {"suggestions", "miss"}


def test_search_lists_terms_mentioning_the_words(bundled_glossary):
    r = bundled_glossary.search("prompt")
    slugs = [m.term.slug for m in r.matches]
    assert "prompt-engineering" in slugs and "prompt-injection" in slugs
    assert len(slugs) <= 10 and len(set(slugs)) == len(slugs)


def test_search_puts_an_exact_name_first(bundled_glossary):
    r = bundled_glossary.search("rag")
    assert r.matches[0].term.slug == "retrieval-augmented-generation"


def test_complete_for_type_ahead(bundled_glossary):
    assert bundled_glossary.complete("quant")[0].slug == "quantization"
    assert bundled_glossary.complete("LLM")[0].slug == "large-language-model"
    assert "retrieval-augmented-generation" in [t.slug for t in bundled_glossary.complete("retrieval")]
    assert len(bundled_glossary.complete("", limit=5)) == 5
    assert bundled_glossary.complete("zzzzqqq") == []
