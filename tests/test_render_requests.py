"""Request modals, confirmations, triage posts, lists and DMs are valid Block Kit, even at their worst."""

from __future__ import annotations

import datetime as dt

import pytest
from blockkit import assert_no_injection, assert_valid_message, assert_valid_view

from bot.slack.requests.form import request_modal
from bot.slack.requests.messages import (
    confirmation_text,
    confirmation_view,
    declined_dm,
    duplicate_dm,
    published_dm,
    request_list,
)
from bot.slack.requests.triage_forms import pick_modal, reason_modal
from bot.slack.requests.triage_post import triage_message
from bot.term_requests.rules import AUDIENCES, REQUEST_STATUS_LABELS, URGENCIES, TermRequest, due_date

EVIL = "<!channel> & <@U123> <https://x|y> *bold* 🤖 עברית "
NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # a Friday


def worst(status="open", **kw) -> TermRequest:
    return TermRequest(
        id=123456,
        kind="new",
        term=(EVIL * 10)[:100],
        term_key="x",
        requester="UASKER01",
        status=status,
        created_at=NOW,
        updated_at=NOW,
        aliases=(EVIL * 20)[:500],
        seen_where=(EVIL * 100)[:3000],
        why=(EVIL * 100)[:3000],
        audiences=tuple(AUDIENCES),
        urgency="now",
        links=tuple(f"https://example.org/{i}?a=1&b=<{i}>" for i in range(25)),
        votes=999,
        reviewer="UREVIEW01",
        resolution=(EVIL * 100)[:3000],
        linked_slug="fine-tuning",
        voters=("UASKER01", "UVOTER01"),
        **kw,
    )


@pytest.mark.parametrize("status", list(REQUEST_STATUS_LABELS))
def test_triage_message_at_its_worst(status):
    for anonymous in (False, True):
        message = triage_message(worst(status, anonymous=anonymous), term_name=EVIL)
        assert_valid_message(message)
        assert_no_injection(message["blocks"], allowed_mentions=("<@UASKER01>", "<@UREVIEW01>"))
        assert ("<@UASKER01>" in str(message)) is not anonymous


def test_modals_are_valid():
    for view in (
        request_modal(),
        request_modal(term=EVIL * 50),
        request_modal(term=EVIL, kind="change", slug="x", term_name=EVIL * 20),
        reason_modal(worst(), {"r": 1}),
        pick_modal(worst(), {"r": 1}, duplicate=True),
        pick_modal(worst(), {"r": 1}, duplicate=False),
    ):
        assert_valid_view(view)
        assert_no_injection(view["blocks"])


def test_confirmations_are_valid_and_say_what_happens_next():
    for created, voted in ((True, False), (False, True), (False, False)):
        text = confirmation_text(worst(), created=created, voted=voted)
        assert_valid_view(confirmation_view(text))
        assert "<!" not in text
    text = confirmation_text(worst(), created=True, voted=False)
    assert "request #123456" in text and "Friday 4 December" in text  # five business days after a Friday


def test_due_date_skips_weekends():
    assert due_date(NOW) == dt.date(2026, 12, 4)
    assert due_date(dt.datetime(2026, 11, 23, tzinfo=dt.UTC)) == dt.date(2026, 11, 30)  # Monday -> Monday


def test_lists_and_dms_are_valid():
    many = [worst(s) for s in REQUEST_STATUS_LABELS] * 20
    for message in (
        request_list(many, title="All requests", now=NOW),
        request_list([], title="Yours"),
        published_dm(worst(), [], voter=True),
        declined_dm(worst()),
        duplicate_dm(worst()),
    ):
        assert_valid_message(message)
        assert_no_injection(message["blocks"])
    assert "…and 95 more" in str(request_list(many, title="All", now=NOW))


def test_every_urgency_and_audience_has_a_label():
    message = triage_message(worst())
    shown = str(message)
    assert all(label in shown for label in AUDIENCES.values()) and URGENCIES["now"] in shown
