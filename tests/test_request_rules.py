"""The request workflow's rules, without Slack: validation, status moves, who may triage."""

from __future__ import annotations

import pytest

from bot.term_requests.rules import (
    MOVES,
    REQUEST_STATUS_LABELS,
    MoveRefused,
    RequestForm,
    allowed_moves,
    check_move,
    is_reviewer,
    validate,
)


def form(**kw) -> RequestForm:
    return RequestForm(**{"term": "vibe coding", "why": "It came up in planning.", **kw})


def test_a_complete_form_is_valid(bundled_glossary):
    assert (
        validate(
            form(
                aliases="vibecoding",
                seen_where="standup",
                audiences=("engineers", "legal"),
                urgency="this_quarter",
                links=("https://example.org/a", "http://b.example"),
            ),
            bundled_glossary,
        )
        == {}
    )


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"term": ""}, "term", "Write the term"),
    ({"term": "   "}, "term", "Write the term"),
    ({"term": "x" * 101}, "term", "100 characters or fewer (this one has 101)"),
    ({"term": "???"}, "term", "letters or numbers"),
    ({"why": ""}, "why", "why it matters"),
    ({"why": "x" * 3001}, "why", "3000 characters"),
    ({"seen_where": "x" * 3001}, "seen_where", "3000 characters"),
    ({"aliases": "x" * 501}, "aliases", "500 characters"),
    ({"links": ("https://ok.example", "not a url")}, "links", "not: not a url"),
    ({"links": ("ftp://files.example",)}, "links", "https://"),
    ({"links": ("javascript:alert(1)",)}, "links", "https://"),
    ({"audiences": ("martians",)}, "audiences", "from the list"),
    ({"urgency": "yesterday"}, "urgency", "from the list"),
])  # fmt: skip
def test_each_problem_names_its_field(bundled_glossary, change, field, words):
    errors = validate(form(**change), bundled_glossary)
    assert field in errors and words in errors[field], errors


def test_an_existing_term_is_named(bundled_glossary):
    assert validate(form(term="LoRA"), bundled_glossary)["term"] == (
        "LoRA is already in the glossary as low-rank adaptation. Try /define low-rank adaptation."
    )
    assert validate(form(term="Fine Tuning"), bundled_glossary)["term"].startswith(
        "fine-tuning is already in the glossary."
    )


def test_a_typo_of_an_existing_term_is_allowed(bundled_glossary):
    # only the lookup's exact rules refuse; a near miss might be a different idea
    assert validate(form(term="fine tunnig"), bundled_glossary) == {}


def test_a_change_request_may_name_an_existing_term(bundled_glossary):
    assert validate(form(term="fine-tuning", kind="change", linked_slug="fine-tuning"), bundled_glossary) == {}


def test_key_is_the_lookup_normalisation():
    assert form(term="Vibe_Coding").key == form(term="vibe–coding").key == "vibe coding"


@pytest.mark.parametrize("current", list(REQUEST_STATUS_LABELS))
@pytest.mark.parametrize("target", list(REQUEST_STATUS_LABELS))
def test_every_move_is_allowed_or_refused_by_the_table(current, target):
    if target in MOVES[current]:
        check_move(current, target)
    else:
        with pytest.raises(MoveRefused):
            check_move(current, target)


def test_published_is_final_and_declined_can_reopen():
    assert allowed_moves("published") == ()
    assert allowed_moves("declined") == ("open",)
    assert "published" in allowed_moves("in_review")
    with pytest.raises(MoveRefused, match="cannot become"):
        check_move("published", "open")


def test_reviewers_by_id_and_by_group():
    groups = {"SGROUP1": ["UMEMBER"], "SEMPTY": []}
    reviewers = ("UREVIEW", "SGROUP1", "SEMPTY")
    assert is_reviewer("UREVIEW", reviewers, groups.get)
    assert is_reviewer("UMEMBER", reviewers, groups.get)
    assert not is_reviewer("UOTHER", reviewers, groups.get)
    assert not is_reviewer("UREVIEW", (), groups.get)  # no reviewers configured: nobody triages
