"""One owner's weekly digest, built for a given week: due terms most looked-up first, change requests on their
terms, open requests in their categories, 👎 counts; its schedule; and its Block Kit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from blockkit import assert_valid_message
from governance_helpers import glossary_in, members, owners_file

from bot.governance.digest import build_digest, digest_due, digest_moment, week_of
from bot.governance.intervals import ReviewIntervals
from bot.governance.owners import Ownership, load_owners
from bot.governance.staleness import Verification, review_states
from bot.slack.reviews.digest import MAX_DUE, digest_message
from bot.term_requests.rules import RequestKind, RequestStatus, TermRequest

DAY = dt.date(2026, 11, 30)  # a Monday, in ISO week 2026-W49
T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def request(number, kind, slug, *, term="x", status=RequestStatus.OPEN):
    return TermRequest(
        number, kind, term, term, "UASKER01", status, T0, T0, why=f"why {number}", linked_slug=slug, votes=2
    )


@pytest.fixture
def world(tmp_path):
    glossary = glossary_in(tmp_path / "terms")
    owners, _ = load_owners(owners_file(tmp_path))
    ownership = Ownership(owners, glossary.terms.values())
    verified = {"semantic-search": Verification("semantic-search", "URAG0002", dt.date(2026, 11, 1))}
    states = review_states(glossary.terms, verified, ReviewIntervals(), DAY)
    return glossary, ownership, states


def digest_for(world, owner, **changes):
    glossary, ownership, states = world
    arguments = {
        "glossary": glossary,
        "ownership": ownership,
        "states": states,
        "members": members,
        "requests": [],
        "lookups": {},
        **changes,
    }
    return build_digest(owner, DAY, **arguments)


def test_a_category_group_member_gets_their_due_terms_most_looked_up_first(world):
    digest = digest_for(world, "URAG0001", lookups={"model-card": 3, "vector-store": 40})
    assert digest.owner == "URAG0001" and digest.week == "2026-W49"
    # semantic search was verified this month; the deprecated term is never due; LoRA and prompt
    # injection belong to their term and role owners, not to the category
    assert [(d.term.slug, d.lookups) for d in digest.due] == [("vector-store", 40), ("model-card", 3)]
    assert digest.due[0].owners == ("UCATOWNER", "SRAGTEAM")


def test_with_no_lookups_the_longest_overdue_comes_first(world):
    digest = digest_for(world, "UCATOWNER")
    assert [d.term.slug for d in digest.due] == ["model-card", "vector-store"]  # due 2026-01-07, then 2026-07-09


def test_requests_on_their_terms_and_in_their_categories(world):
    requests = [
        request(1, RequestKind.CHANGE, "low-rank-adaptation"),
        request(2, RequestKind.CHANGE, "vector-store"),
        request(3, RequestKind.NEW, None),  # names no term: in no category
        request(4, RequestKind.CHANGE, "tokenizer"),  # nobody's
    ]
    term_owner = digest_for(world, "UTERMOWNER", requests=requests)
    assert [r.id for r in term_owner.change_requests] == [1] and term_owner.open_requests == []
    category_owner = digest_for(world, "UCATOWNER", requests=requests)
    assert [r.id for r in category_owner.change_requests] == [2]
    assert [r.id for r in category_owner.open_requests] == [1]  # in their category, owned by someone else


def test_not_helpful_counts_come_from_the_feedback_hook(world):
    without = digest_for(world, "USEC0001")
    assert without.not_helpful == [] and not without.feedback_known
    digest = digest_for(world, "USEC0001", feedback={"prompt-injection": (5, 2), "tokenizer": (0, 9)})
    assert [(t.slug, n) for t, n in digest.not_helpful] == [("prompt-injection", 2)] and digest.feedback_known


def test_someone_who_owns_nothing_gets_an_empty_digest(world):
    digest = digest_for(world, "UNOBODY1")
    assert digest.empty and digest.due == []


def test_the_weeks_digest_time_in_the_teams_zone():
    paris = ZoneInfo("Europe/Paris")
    wednesday = dt.datetime(2026, 12, 2, 8, 59, tzinfo=paris)
    assert digest_moment(wednesday, 2, 9) == dt.datetime(2026, 12, 2, 9, 0, tzinfo=paris)
    assert not digest_due(wednesday, 2, 9)
    assert digest_due(wednesday + dt.timedelta(minutes=1), 2, 9)
    assert digest_due(dt.datetime(2026, 12, 6, 23, 0, tzinfo=paris), 2, 9)  # a bot started on Sunday catches up
    assert not digest_due(dt.datetime(2026, 11, 30, 10, 0, tzinfo=paris), 2, 9)  # Monday: not yet this week
    assert week_of(dt.date(2026, 12, 6)) == week_of(dt.date(2026, 11, 30)) == "2026-W49"
    assert week_of(dt.date(2027, 1, 1)) == "2026-W53"


def test_the_digest_message_is_valid_block_kit_with_both_buttons_per_due_term(world):
    requests = [request(2, RequestKind.CHANGE, "vector-store", term="<!channel> & co")]
    digest = digest_for(world, "UCATOWNER", requests=requests, feedback={"vector-store": (0, 4)})
    message = digest_message(digest, DAY)
    assert_valid_message(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["review_still_accurate", "review_needs_change"] * 2
    assert buttons[0]["value"] == '{"s":"model-card"}'
    text = str(message["blocks"])
    assert "review due since 7 January" in text and "&lt;!channel&gt; &amp; co" in text and "4 👎" in text
    assert "<!channel>" not in text


def test_a_long_digest_shows_the_first_terms_and_says_how_many_more(world):
    digest = digest_for(world, "UCATOWNER")
    many = type(digest)(digest.owner, digest.week, due=digest.due * 8)
    message = digest_message(many, DAY)
    assert_valid_message(message)
    assert sum(b["type"] == "actions" for b in message["blocks"]) == MAX_DUE
    assert f"and {len(many.due) - MAX_DUE} more" in str(message["blocks"])
