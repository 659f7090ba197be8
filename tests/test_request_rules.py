"""The request workflow's rules, without Slack: validation, status moves, who may triage."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.term_requests.rules import (
    ACTIVE,
    MOVES,
    REQUEST_STATUS_LABELS,
    STATUS_FILTER_WORDS,
    MoveRefused,
    RequestForm,
    RequestKind,
    RequestStatus,
    TermRequest,
    allowed_moves,
    check_assign,
    check_closing,
    check_move,
    due_date,
    is_reviewer,
    matches_typed,
    now_in_glossary,
    parse_status_filter,
    validate,
)


def form(**kw) -> RequestForm:
    return RequestForm(**{"term": "prompt golf", "why": "It came up in planning.", **kw})


def test_a_complete_form_is_valid(bundled_glossary):
    assert (
        validate(
            form(
                aliases="promptgolf",
                seen_where="standup",
                audiences=("engineers", "legal"),
                urgency="this_quarter",
                links=("https://example.org/a", "https://b.example"),
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
    ({"links": ("http://b.example",)}, "links", "must start with https://, not http://"),
    ({"links": ("https://ok.example", "HTTP://b.example")}, "links", "not http://"),
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


# --- rules that moved into the core from the Slack layer ----------------------------------------------


def test_statuses_and_kinds_keep_their_stored_values():
    assert [s.value for s in RequestStatus] == ["open", "drafting", "in_review", "published", "declined", "duplicate"]
    assert [k.value for k in RequestKind] == ["new", "change"]
    assert ACTIVE == ("open", "drafting", "in_review")
    assert set(REQUEST_STATUS_LABELS) == set(RequestStatus) == set(MOVES)


def test_the_due_date_is_a_property_of_the_request():
    friday = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    request = TermRequest(1, RequestKind.NEW, "x", "x", "U1", RequestStatus.OPEN, friday, friday)
    assert request.due_date == due_date(friday) == dt.date(2026, 12, 4)


@pytest.mark.parametrize(("typed", "statuses", "title"), [
    ("", ("open",), "Open requests"),
    ("open", ("open",), "Open requests"),
    ("OPEN", ("open",), "Open requests"),
    ("all", None, "All requests"),
    ("any", None, "All requests"),
    ("active", ("open", "drafting", "in_review"), "Requests in the backlog"),
    ("backlog", ("open", "drafting", "in_review"), "Requests in the backlog"),
    ("in review", ("in_review",), "In review requests"),
    ("In  Review", ("in_review",), "In review requests"),
    ("in_review", ("in_review",), "In review requests"),
    ("declined", ("declined",), "Declined requests"),
    ("duplicate", ("duplicate",), "Duplicate requests"),
])  # fmt: skip
def test_status_words_shared_by_slack_and_the_command_line(typed, statuses, title):
    wanted = parse_status_filter(typed)
    assert wanted is not None and wanted.statuses == statuses and wanted.title == title


@pytest.mark.parametrize("typed", ["nope", "in reviews", "opened", "published please"])
def test_unknown_status_words_name_nothing(typed):
    assert parse_status_filter(typed) is None
    assert "in_review" in STATUS_FILTER_WORDS and "active" in STATUS_FILTER_WORDS and "all" in STATUS_FILTER_WORDS


def test_a_decline_needs_a_reason_and_a_publication_a_term():
    with pytest.raises(MoveRefused, match="Give the requester a reason"):
        check_closing("declined", note="   ", linked_slug=None)
    with pytest.raises(MoveRefused, match="Pick a term that is in the glossary"):
        check_closing("published", note="Shipped.", linked_slug=None)
    check_closing("declined", note="Too narrow.", linked_slug=None)
    check_closing("published", note="", linked_slug="fine-tuning")
    check_closing("drafting", note="", linked_slug=None)


@pytest.mark.parametrize("status", list(RequestStatus))
def test_only_an_active_request_can_be_assigned(status):
    request = _request(status=status)
    if status in ACTIVE:
        check_assign(request)
    else:
        with pytest.raises(MoveRefused, match="reopen it"):
            check_assign(request)


def test_what_a_reviewer_types_in_the_duplicate_picker():
    request = _request(id=7, term="Vibe Coding", term_key="vibe coding")
    assert matches_typed(request, "")  # nothing typed: every active request
    assert matches_typed(request, "vibe") and matches_typed(request, "VIBE-co")
    assert matches_typed(request, "#7") and matches_typed(request, "7")
    assert not matches_typed(request, "#8") and not matches_typed(request, "agent")


def test_now_in_glossary_picks_active_new_requests_the_glossary_answers(bundled_glossary):
    answered = _request(id=1, term="Fine Tuning", term_key="fine tuning")
    missing = _request(id=2, term="prompt golf", term_key="prompt golf")
    closed = _request(id=3, term="quantization", term_key="quantization", status=RequestStatus.DECLINED)
    change = _request(id=4, term="quantization", term_key="quantization", kind=RequestKind.CHANGE)
    alias = _request(id=5, term="LoRA", term_key="lora", status=RequestStatus.IN_REVIEW)
    found = now_in_glossary([answered, missing, closed, change, alias], bundled_glossary)
    assert [(r.id, term.slug) for r, term in found] == [(1, "fine-tuning"), (5, "low-rank-adaptation")]


def _request(**kw) -> TermRequest:
    stamp = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    fields = {"id": 1, "kind": RequestKind.NEW, "term": "x", "term_key": "x", "requester": "U1"}
    fields |= {"status": RequestStatus.OPEN, "created_at": stamp, "updated_at": stamp}
    return TermRequest(**{**fields, **kw})
