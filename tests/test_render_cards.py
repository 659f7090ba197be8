"""Every card for every bundled term, and a worst-case term, is valid Block Kit and escaped."""

from __future__ import annotations

import itertools

import pytest
from blockkit import assert_no_injection, assert_valid_message
from paths import BUNDLED_ROLES
from termfactory import term_data, write_term

from bot.answers.cards import build_card
from bot.glossary.live import open_glossary
from bot.glossary.lookup import LookupResult, Match
from bot.glossary.model import Framing
from bot.glossary.roles import load_roles
from bot.glossary.rules import NAME_MAX_CHARS
from bot.slack.cards.card import card_message
from bot.slack.cards.results import help_message, lookup_message, miss_message, search_message

ROLES = load_roles(BUNDLED_ROLES)
VARIANTS = list(
    itertools.product(
        [None, Framing.EXEC, Framing.ENGINEER],
        [None, Framing.ENGINEER],
        [False, True],
        [False, True],
        [None, ROLES["legal"]],
    )
)
EVIL = "<!channel> & <@U123> <https://x|y> <!here> *bold* `code` > quote"


# The largest card a term makes: expanded, shared, with a role's notes, under each framing.
LARGEST = [v for v in VARIANTS if v[2] and v[3] and v[4] is not None]
ROTATION = 8  # every variant is drawn by one term in eight, so each is rendered for ~19 bundled terms


def _cards(glossary, term, variants=VARIANTS):
    for framing, preferred, expanded, public, role in variants:
        card = build_card(
            glossary,
            term,
            framing=framing,
            preferred=preferred,
            role=role,
            expanded=expanded,
            attribution="From AI Glossary & friends · CC BY-SA 4.0",
        )
        yield card_message(card, public=public, shared_by="USHARE01" if public else None)


def test_every_bundled_card_is_valid(bundled_glossary):
    # Each term in its largest cards (where Block Kit's limits bite) and a rotating eighth of the other variants,
    # so every variant is still rendered for many terms: all 48 for all 153 terms took 25 s of CI's 15 minutes.
    drawn: set[tuple] = set()
    for i, term in enumerate(bundled_glossary.terms.values()):
        variants = LARGEST + [v for k, v in enumerate(VARIANTS) if k % ROTATION == i % ROTATION and v not in LARGEST]
        drawn.update(variants)
        for message in _cards(bundled_glossary, term, variants):
            assert_valid_message(message)
            assert_no_injection(message["blocks"], allowed_mentions=("<@USHARE01>",))
    assert drawn == set(VARIANTS) and len(LARGEST) == 6


@pytest.fixture
def worst_case(tmp_path):
    """Every field at or past its maximum length, and mrkdwn control text everywhere."""
    long_words = " ".join([EVIL] * 120)
    others = [term_data(f"other {i} {EVIL[:20]}") for i in range(30)]
    data = term_data(
        ("x" * (NAME_MAX_CHARS - len(EVIL))) + EVIL,  # the longest name the rules allow
        aliases=[f"alias {i} {EVIL}" for i in range(40)],
        categories=[f"Category {i} & {EVIL}" for i in range(20)],
        roles=["product", "engineering", "data_science", "policy", "legal", "security", "communications"],
        short_def=(EVIL + " ") * 40,
        long_def=(long_words + " ") * 3,
        audiences={"exec": (EVIL + " ") * 80, "engineer": (EVIL + " ") * 80},
        examples={"do": [(EVIL + " ") * 40] * 10, "dont": [(EVIL + " ") * 40] * 10},
        governance={"nist_rmf_tags": [f"tag {i} {EVIL}" for i in range(30)], "risk_notes": (EVIL + " ") * 100},
        relationships={
            "broader": [o["term"] for o in others[:10]],
            "narrower": [o["term"] for o in others[10:30]],
            "related": [f"missing {i} {EVIL}" for i in range(20)],
        },
        citations=[{"source": f"Source {i} {EVIL}", "url": f"https://example.org/a?b=1&c=<{i}>|x"} for i in range(12)],
    )
    terms = tmp_path / "t"
    for i, d in enumerate([data, *others]):
        write_term(terms, d, filename=f"term-{i}.yml")  # these names make no valid file name
    glossary, report = open_glossary(terms, tmp_path / "g.db")
    assert not [p for p in report.problems if p.severity == "error"], report.problems
    return glossary, next(t for t in glossary.terms.values() if t.term.startswith("xxx"))


def test_worst_case_card_is_valid_and_escaped(worst_case):
    glossary, term = worst_case
    for message in _cards(glossary, term):
        assert_valid_message(message)
        assert_no_injection(message["blocks"], allowed_mentions=("<@USHARE01>",))
        assert len(message["blocks"]) <= 50


def test_results_messages_are_valid_and_escaped(bundled_glossary, worst_case):
    glossary, term = worst_case
    matches = tuple(Match(t, 90.0, t.term) for t in list(glossary.terms.values())[:15])
    for status, how in (("ambiguous", "alias"), ("suggestions", "fuzzy"), ("suggestions", "search")):
        message = lookup_message(LookupResult(status, EVIL * 30, matches, how))
        assert_valid_message(message)
        assert_no_injection(message["blocks"])
    for message in (
        miss_message(EVIL * 50),
        search_message(EVIL, LookupResult("suggestions", EVIL, matches, "search")),
        help_message(ROLES),
        help_message(ROLES, "set"),
    ):
        assert_valid_message(message)
        assert_no_injection(message["blocks"])


def test_escaping_keeps_the_text_readable(bundled_glossary):
    term = bundled_glossary.get("retrieval-augmented-generation")  # primary category "Retrieval & RAG"
    message = card_message(build_card(bundled_glossary, term, attribution="A & B"))
    facts = message["blocks"][1]["elements"][0]["text"]
    assert "Retrieval &amp; RAG" in facts and "&amp;amp;" not in facts
