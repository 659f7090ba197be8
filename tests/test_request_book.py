"""Requests in the state database: filing, votes, moves with history, publishing; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from termfactory import term_data, write_glossary

from bot.glossary.db import open_glossary
from bot.state.store import Store
from bot.term_requests.book import RequestBook
from bot.term_requests.rules import MoveRefused, RequestForm


@pytest.fixture
def book(state_url):
    store = Store(state_url)
    yield RequestBook(store)
    store.close()


def form(term="vibe coding", **kw):
    return RequestForm(term=term, why=kw.pop("why", "It keeps coming up."), **kw)


def test_file_makes_a_row_a_history_entry_and_a_vote(book):
    filed = book.file(form(aliases="vc", audiences=("engineers",), links=("https://a.example",)), "U1")
    r = filed.request
    assert filed.created and not filed.voted
    assert (r.id, r.status, r.votes, r.voters, r.requester) == (1, "open", 1, ("U1",), "U1")
    assert r.audiences == ("engineers",) and r.links == ("https://a.example",) and r.aliases == "vc"
    assert [h["action"] for h in book.history(r.id)] == ["filed", "voted"]


def test_a_second_ask_is_a_vote_once_per_person(book):
    first = book.file(form("Vibe Coding"), "U1").request
    again = book.file(form("vibe-coding"), "U2")
    assert not again.created and again.voted and again.request.id == first.id and again.request.votes == 2
    same = book.file(form("vibe coding"), "U2")
    assert not same.created and not same.voted and same.request.votes == 2
    assert book.count() == 1


def test_a_closed_request_does_not_absorb_new_asks(book):
    first = book.file(form(), "U1").request
    book.move(first.id, "UR", "declined", note="Too niche.")
    second = book.file(form(), "U2")
    assert second.created and second.request.id != first.id


def test_change_requests_are_never_merged(book):
    a = book.file(form("fine-tuning", kind="change", linked_slug="fine-tuning"), "U1")
    b = book.file(form("fine-tuning", kind="change", linked_slug="fine-tuning"), "U2")
    assert a.created and b.created and b.request.linked_slug == "fine-tuning"


def test_moves_record_history_and_owner(book):
    r = book.file(form(), "U1").request
    r = book.move(r.id, "UREV", "drafting")
    assert r.status == "drafting" and r.reviewer == "UREV"
    r = book.assign(r.id, "UREV2", "UREV2")
    r = book.move(r.id, "UREV2", "in_review")
    r = book.move(r.id, "UREV2", "published", linked_slug="vibe-coding", note="Shipped.")
    assert (r.status, r.linked_slug, r.resolution, r.reviewer) == ("published", "vibe-coding", "Shipped.", "UREV2")
    moves = [(h["actor"], h["from_status"], h["to_status"]) for h in book.history(r.id) if h["action"] == "status"]
    assert moves == [
        ("UREV", "open", "drafting"),
        ("UREV2", "drafting", "in_review"),
        ("UREV2", "in_review", "published"),
    ]
    with pytest.raises(MoveRefused):
        book.move(r.id, "UREV", "open")
    assert book.get(r.id).status == "published"


def test_a_request_is_not_a_duplicate_of_itself(book):
    r = book.file(form(), "U1").request
    with pytest.raises(MoveRefused, match="itself"):
        book.move(r.id, "UR", "duplicate", duplicate_of=r.id)
    assert book.get(r.id).status == "open"


def test_unknown_request(book):
    with pytest.raises(LookupError, match="no request #99"):
        book.move(99, "U", "drafting")


def test_publish_matching_on_reload(book, tmp_path):
    waiting = book.file(form("vibe coding"), "U1").request
    book.file(form("vibe coding"), "U2")
    other = book.file(form("something else"), "U3").request
    terms = write_glossary(tmp_path / "t", term_data("vibe coding", aliases=["vc"]))
    glossary, _ = open_glossary(terms, tmp_path / "g.db")
    [published] = book.publish_matching(glossary)
    assert published.id == waiting.id and published.status == "published"
    assert published.linked_slug == "vibe-coding" and published.voters == ("U1", "U2")
    assert book.get(other.id).status == "open"
    assert book.publish_matching(glossary) == []  # once only
    assert book.history(waiting.id)[-1]["actor"] == "glossary"


def test_text_is_stored_exactly(book):
    odd = "<!channel> *bold* _x_ 👩‍💻 مرحبا עברית & <@U123> <https://x|y>\n\ttabs  and  spaces " + "z" * 2900
    r = book.file(form("émoji 🤖 term", why=odd, seen_where=odd, aliases="a & b <c>"), "U1").request
    again = book.get(r.id)
    assert again.why == odd and again.seen_where == odd and again.aliases == "a & b <c>"
    assert again.term == "émoji 🤖 term"


def test_mark_duplicate_of_a_request_or_a_term(book):
    first = book.file(form("alpha idea"), "U1").request
    second = book.file(form("beta idea"), "U2").request
    third = book.file(form("gamma idea"), "U3").request
    r = book.mark_duplicate(second.id, "UR", of_request=first.id)
    assert (r.status, r.duplicate_of, r.resolution) == ("duplicate", first.id, "Duplicate of request #1 (alpha idea).")
    r = book.mark_duplicate(third.id, "UR", of_term=("fine-tuning", "fine-tuning"))
    assert (r.linked_slug, r.resolution) == ("fine-tuning", "Already in the glossary as fine-tuning.")
    with pytest.raises(MoveRefused, match="Pick another"):
        book.mark_duplicate(first.id, "UR")
    with pytest.raises(LookupError):
        book.mark_duplicate(first.id, "UR", of_request=99)
