"""Requests in the state database: filing, votes, moves with history, publishing; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from termfactory import term_data, write_glossary

from bot.glossary.live import open_glossary
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


def test_the_same_note_sent_twice_by_one_person_is_one_change_request(book):
    # A 👎 form submitted again (or a double click) must not file the same note twice; another note, or the same
    # note once the first is closed, is a request of its own.
    note = form("fine-tuning", kind="change", linked_slug="fine-tuning", why="Marked not helpful: out of date.")
    first = book.file(note, "U1")
    again = book.file(note, "U1")
    assert first.created and not again.created and not again.voted and again.request.id == first.request.id
    other = book.file(form("fine-tuning", kind="change", linked_slug="fine-tuning", why="Wrong example."), "U1")
    assert other.created
    book.move(first.request.id, "UR", "declined", note="Fixed already.")
    assert book.file(note, "U1").created
    assert book.count() == 3


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


# --- rules the book now enforces itself --------------------------------------------------------------


def test_decline_needs_a_reason(book):
    r = book.file(form(), "U1").request
    for empty in ("", "   \n"):
        with pytest.raises(MoveRefused, match="Give the requester a reason"):
            book.decline(r.id, "UR", empty)
        with pytest.raises(MoveRefused, match="Give the requester a reason"):
            book.move(r.id, "UR", "declined", note=empty)  # the plain move keeps the rule too
    assert book.get(r.id).status == "open"
    declined = book.decline(r.id, "UR", "  Too niche.  ")
    assert (declined.status, declined.resolution) == ("declined", "Too niche.")


def test_publish_needs_a_glossary_term(book, bundled_glossary):
    r = book.file(form(), "U1").request
    with pytest.raises(MoveRefused, match="Pick a term that is in the glossary"):
        book.publish(r.id, "UR", None)
    with pytest.raises(MoveRefused, match="Pick a term that is in the glossary"):
        book.move(r.id, "UR", "published", note="Shipped.")
    assert book.get(r.id).status == "open"
    published = book.publish(r.id, "UR", bundled_glossary.get("fine-tuning"))
    assert (published.status, published.linked_slug, published.resolution) == (
        "published",
        "fine-tuning",
        "Published as fine-tuning.",
    )


def test_assign_only_while_active(book):
    r = book.file(form(), "U1").request
    assert book.assign(r.id, "UR", "UR2").reviewer == "UR2"
    book.decline(r.id, "UR", "Not for us.")
    with pytest.raises(MoveRefused, match="reopen it"):
        book.assign(r.id, "UR", "UR3")
    assert book.get(r.id).reviewer == "UR2"
    assert [h["action"] for h in book.history(r.id)].count("assigned") == 1
    book.move(r.id, "UR", "open")
    assert book.assign(r.id, "UR", "UR3").reviewer == "UR3"


def test_duplicate_targets_never_include_the_request_itself(book):
    first = book.file(form("vibe coding"), "U1").request
    second = book.file(form("vibe coding tools"), "U2").request
    closed = book.file(form("vibe check"), "U3").request
    book.decline(closed.id, "UR", "No.")
    assert [r.id for r in book.search_active("vibe")] == [first.id, second.id]  # closed ones are no target
    assert [r.id for r in book.search_active("vibe", exclude=second.id)] == [first.id]
    assert [r.id for r in book.search_active("", exclude=first.id)] == [second.id]
    assert [r.id for r in book.search_active(f"#{first.id}", exclude=second.id)] == [first.id]
    assert book.search_active(f"#{first.id}", exclude=first.id) == []


def test_backlog_is_most_votes_then_oldest(book):
    a = book.file(form("alpha"), "U1").request
    b = book.file(form("beta"), "U1").request
    c = book.file(form("gamma"), "U1").request
    book.file(form("gamma"), "U2")
    book.file(form("beta"), "U2")
    book.file(form("beta"), "U3")
    d = book.file(form("delta"), "U1").request
    book.decline(d.id, "UR", "No.")
    assert [r.id for r in book.backlog(("open",))] == [b.id, c.id, a.id]
    assert [r.id for r in book.backlog(None)] == [b.id, c.id, a.id, d.id]


def test_set_message_returns_the_request_as_it_is_now(book):
    r = book.file(form(), "U1").request
    book.file(form(), "U2")  # a vote between filing and recording the post
    now = book.set_message(r.id, "CREQUESTS", "1700000000.000100")
    assert (now.votes, now.voters, now.message_ts) == (2, ("U1", "U2"), "1700000000.000100")


def test_publish_matching_runs_no_lookup_of_its_own():
    # The glossary decides through rules.now_in_glossary; the book only runs the conditional update.
    import inspect

    from bot.term_requests import book as book_module

    assert "resolve" not in inspect.getsource(book_module)
    assert "glossary.lookup" not in "".join(inspect.getsource(m) for m in _state_modules())


def _state_modules():
    import bot.state.schema
    import bot.state.store

    return (bot.state.schema, bot.state.store)
