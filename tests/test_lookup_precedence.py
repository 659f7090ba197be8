"""Exact rules, in order: slug or name, then alias, then the name with separators removed."""

from __future__ import annotations

import pytest
from termfactory import term_data, write_glossary

from bot.glossary.live import open_glossary


@pytest.fixture
def glossary(tmp_path):
    terms = write_glossary(
        tmp_path / "terms",
        term_data("fine-tuning", aliases=["model adaptation", "sft"]),
        term_data("retrieval-augmented generation", aliases=["RAG", "grounded generation"]),
        term_data("agent", aliases=["assistant"]),
        # another term's alias equal to a name: the name must win
        term_data("ai agent", aliases=["agent", "autonomous agent"]),
        # an alias shared by two terms: ambiguous
        term_data("low-rank adaptation", aliases=["LoRA", "adapter"]),
        term_data("adapter layers", aliases=["adapter"]),
        term_data("kv cache", aliases=["key-value cache"]),
        term_data("roc auc", aliases=["AUC"]),
    )
    g, _ = open_glossary(terms, tmp_path / "g.db")
    return g


def test_name_hit(glossary):
    r = glossary.find("fine-tuning")
    assert (r.status, r.how, r.term.slug) == ("hit", "name", "fine-tuning")


def test_slug_hit(glossary):
    r = glossary.find("retrieval-augmented-generation")
    assert (r.status, r.term.slug) == ("hit", "retrieval-augmented-generation")


def test_alias_hit_reports_the_alias(glossary):
    r = glossary.find("rag")
    assert (r.status, r.how, r.term.slug, r.matches[0].matched) == (
        "hit",
        "alias",
        "retrieval-augmented-generation",
        "RAG",
    )


def test_own_name_beats_another_terms_alias(glossary):
    r = glossary.find("Agent")
    assert (r.status, r.how, r.term.slug) == ("hit", "name", "agent")


def test_shared_alias_is_ambiguous_and_lists_both(glossary):
    r = glossary.find("adapter")
    assert r.status == "ambiguous" and r.how == "alias"
    assert sorted(m.term.slug for m in r.matches) == ["adapter-layers", "low-rank-adaptation"]
    assert r.term is None


def test_separators_removed_comes_after_alias(glossary):
    r = glossary.find("kvcache")
    assert (r.status, r.how, r.term.slug) == ("hit", "squashed", "kv-cache")
    r = glossary.find("rocauc")
    assert (r.status, r.how, r.term.slug) == ("hit", "squashed", "roc-auc")


def test_squashed_alias_matches_too(glossary):
    r = glossary.find("keyvalue cache")
    assert (r.status, r.term.slug) == ("hit", "kv-cache")


def test_resolve_has_no_fuzzy_step(glossary):
    assert glossary.resolve("fine tunnig").status == "miss"
    assert glossary.find("fine tunnig").status == "suggestions"
