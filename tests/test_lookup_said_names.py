"""Everyday names a term's own text gives it ("People call it the creativity slider"): offered, never a hit."""

from __future__ import annotations

import pytest
from termfactory import term_data, write_term

from bot.glossary import said_names, snapshot
from bot.glossary.live import open_glossary
from bot.glossary.load import load_glossary
from bot.glossary.model import LookupStatus, MatchHow


def _terms(tmp_path, *texts: tuple[str, str]):
    folder = tmp_path / "terms"
    for name, long_def in texts:
        write_term(folder, term_data(name, long_def=long_def))
    return folder


@pytest.fixture
def folder(tmp_path):
    return _terms(
        tmp_path,
        (
            "temperature",
            "A sampling setting that spreads probability. People call it the creativity slider or "
            "randomness dial, though it adds no creativity of its own.",
        ),
        (
            "guardrails",
            "Checks around a model's input and output. Teams also speak of an AI firewall, content "
            "filters or safety rails. Each tool call returns JSON results.",
        ),
        ("top p", "Sampling from the smallest set of likely tokens. Unlike the creativity slider, it cuts the tail."),
    )


def test_the_names_after_a_naming_cue_are_kept_for_their_term(folder):
    said = said_names.build(load_glossary(folder).terms)
    assert said_names.said_in("randomness dial", said) == ["temperature"]
    assert said_names.said_in("do we need an AI firewall in front of the chatbot?", said) == ["guardrails"]
    assert said_names.said_in("safety rails", said) == ["guardrails"]


def test_words_another_term_also_uses_are_nobodys_name(folder):
    # "creativity slider" is in top-p's text too: it points at neither
    said = said_names.build(load_glossary(folder).terms)
    assert said_names.said_in("creativity slider", said) == []


def test_only_what_follows_a_naming_cue_is_a_name(folder):
    said = said_names.build(load_glossary(folder).terms)
    assert said_names.said_in("sampling setting", said) == []  # before the cue
    assert said_names.said_in("adds no creativity", said) == []  # after "though": the sentence moved on
    assert said_names.said_in("returns JSON results", said) == []  # "a tool call" is no naming cue


def test_a_relative_clause_after_the_names_is_not_a_name(tmp_path):
    folder = _terms(
        tmp_path, ("agent protocol", "An open standard, known as A2A, that lets vendors' agents swap tasks.")
    )
    said = said_names.build(load_glossary(folder).terms)
    assert said_names.said_in("vendors agents swap tasks", said) == []


def test_one_term_keeps_a_bounded_number_of_names(tmp_path):
    many = ", ".join(f"alpha{i} beta{i}" for i in range(40))
    folder = _terms(tmp_path, ("listed", f"A concept. People call it {many}."))
    said = said_names.build(load_glossary(folder).terms)
    assert len(said) == said_names.MOST_PER_TERM
    assert said_names.said_in("alpha0 beta0", said) == ["listed"]  # the first written are kept


def test_an_everyday_name_is_offered_never_a_hit(bundled_glossary):
    # hallucination's text: "In everyday talk people say the AI is lying or bluffing…"
    for text in ("AI lying", "why is the AI lying to me? it swore the meeting was on Tuesday"):
        r = bundled_glossary.ask(text)
        assert r.status == LookupStatus.SUGGESTIONS, text
        assert r.matches[0].term.slug == "hallucination", text
        assert r.how == MatchHow.SEARCH  # found in the term's text: "these definitions match your words"


def test_an_everyday_name_joins_after_what_the_text_means(bundled_glossary):
    # guardrails is named ("AI firewall") but the meaning lane's answer keeps its place
    r = bundled_glossary.ask("do we need an AI firewall in front of the chatbot?")
    slugs = [m.term.slug for m in r.matches]
    assert "guardrails" in slugs[:3] and slugs[0] != "guardrails"


def test_pasted_machine_output_offers_no_everyday_name(bundled_glossary):
    r = bundled_glossary.ask("2026-12-07 10:01:02 ERROR worker: the AI is lying about creativity slider")
    assert "hallucination" not in [m.term.slug for m in r.matches]


def test_the_everyday_names_are_saved_with_the_index(tmp_path, folder):
    built, _ = open_glossary(folder, tmp_path / "g.db")
    assert snapshot.save(built, tmp_path / "g.db")
    loaded = snapshot.load(tmp_path / "g.db", built.version)
    assert loaded is not None
    assert loaded.ranker.said_in("randomness dial") == built.ranker.said_in("randomness dial") == ["temperature"]
