"""Feedback votes, the explain reply, request details and mention parity: core and renderers, no Slack."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from blockkit import assert_no_injection, assert_valid_message, assert_valid_view
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from termfactory import term_data, write_glossary

from bot.answers.ask import SUBCOMMANDS, parse_command, parse_question
from bot.config import Settings
from bot.glossary.live import open_glossary
from bot.glossary.model import Framing
from bot.runtime import Runtime
from bot.slack.cards.card import card_blocks
from bot.slack.cards.explain import MAX_BLOCKS, explain_message
from bot.slack.feedback.form import feedback_from_view, feedback_modal
from bot.slack.requests.detail import request_detail
from bot.state.feedback import FeedbackBook
from bot.state.store import Store
from bot.term_requests.feedback import feedback_problems, feedback_request
from bot.term_requests.rules import RequestKind, TermRequest, may_read, may_see_requester


@pytest.fixture
def feedback(state_url):
    store = Store(state_url)
    yield FeedbackBook(store)
    store.close()


def test_one_vote_per_person_per_term_and_changeable(feedback):
    assert feedback.vote("U1", "rag", helpful=True) is None
    assert feedback.vote("U1", "rag", helpful=True) is True  # the same vote again counts once
    feedback.vote("U2", "rag", helpful=False)
    feedback.vote("U3", "lora", helpful=False)
    assert feedback.counts() == {"rag": (1, 1), "lora": (0, 1)}
    assert feedback.vote("U2", "rag", helpful=True) is False  # changed its mind
    assert feedback.counts()["rag"] == (2, 0) and feedback.vote_of("U2", "rag") is True
    assert feedback.vote_of("U9", "rag") is None


def test_runtime_feedback_counts(tmp_path):
    runtime = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path))
    runtime.record_feedback("U1", "rag", helpful=False)
    assert runtime.feedback_counts() == {"rag": (0, 1)}
    runtime.store.close()


def test_a_thumbs_down_becomes_a_change_request_about_the_term(bundled_glossary):
    term = bundled_glossary.get("retrieval-augmented-generation")
    form = feedback_request(term, ["outdated", "wrong", "nonsense"], "  Cites a 2020 paper only.  ")
    assert form.kind == RequestKind.CHANGE and form.linked_slug == term.slug and form.term == term.term
    assert form.why == "Marked not helpful on the card: wrong, outdated.\nCites a 2020 paper only."
    assert feedback_request(term, [], "Too long").why == "Marked not helpful on the card.\nToo long"
    assert feedback_problems([], " ") and not feedback_problems(["unclear"], "") and not feedback_problems([], "x")


def test_feedback_block_on_every_card_and_the_modal(bundled_glossary):
    from bot.answers.cards import build_card

    for public in (True, False):
        card = build_card(bundled_glossary, bundled_glossary.get("retrieval-augmented-generation"))
        blocks = card_blocks(card, public=public)
        [block] = [b for b in blocks if b.get("block_id") == "feedback"]
        assert [e["action_id"] for e in block["elements"]] == ["feedback_helpful", "feedback_unhelpful"]
        assert json.loads(block["elements"][0]["value"]) == {"s": "retrieval-augmented-generation"}
        assert_valid_message({"text": "x", "blocks": blocks})
    view = feedback_modal("rag", "retrieval <!here> generation")
    assert_valid_view(view)
    assert_no_injection(view["blocks"])
    labels = [o["text"]["text"] for o in view["blocks"][1]["element"]["options"]]
    assert labels == ["Wrong", "Unclear", "Outdated", "Missing something"]
    submitted = {
        **view,
        "state": {
            "values": {
                "fb_reasons": {"value": {"type": "checkboxes", "selected_options": [{"value": "unclear"}]}},
                "fb_note": {"value": {"type": "plain_text_input", "value": "hm"}},
            }
        },
    }
    assert feedback_from_view(submitted) == ("rag", ["unclear"], "hm")


def _terms(n):
    return [term_data(f"zeta term {i}") for i in range(n)]


def test_explain_message_orders_frames_and_fits_in_50_blocks(tmp_path):
    write_glossary(tmp_path / "terms", *_terms(60))
    glossary, _ = open_glossary(tmp_path / "terms", tmp_path / "g.db")
    text = " ".join(f"zeta term {i}" for i in reversed(range(60)))
    found = glossary.scan(text)
    message = explain_message(found, Framing.EXEC)
    assert_valid_message(message)
    assert len(message["blocks"]) == MAX_BLOCKS
    assert "zeta term 59" in message["blocks"][1]["text"]["text"]  # first appearance first
    assert "…and 12 more" in message["blocks"][-1]["elements"][0]["text"]
    assert "For executives" not in json.dumps(message) and "(for executives)" in message["blocks"][0]["text"]["text"]
    just_fits = explain_message(found[:49], None)
    assert len(just_fits["blocks"]) == 50 and "more" not in json.dumps(just_fits["blocks"][-1])


def test_explain_message_uses_the_framing_text_and_escapes(bundled_glossary):
    found = bundled_glossary.scan("We fine-tuned it <!channel> and added RAG")
    rag = bundled_glossary.get("retrieval-augmented-generation")
    for framing in (None, Framing.ENGINEER):
        message = explain_message(found, framing)
        assert_valid_message(message)
        assert_no_injection(message["blocks"])
        shown = json.dumps(message)
        assert (rag.engineer_framing[:40] in shown) == (framing is Framing.ENGINEER)
        assert (rag.short_def[:40] in shown) == (framing is None)
    assert "(as “fine-tuned”)" in explain_message(found, None)["blocks"][1]["text"]["text"]
    none = explain_message([], None)
    assert_valid_message(none)
    assert none["blocks"][-1]["elements"][0]["action_id"] == "request_term"


def test_runtime_explain_records_each_term_as_a_shortcut_lookup(tmp_path):
    runtime = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path))
    seen = []
    runtime.record_lookup = lambda surface, query, result: seen.append((surface, query, result.term.slug))
    runtime.set_framing("U1", Framing.EXEC)
    explained = runtime.explain("U1", "LLMs with RAG")
    assert explained.framing is Framing.EXEC
    assert seen == [("shortcut", "LLMs", "large-language-model"), ("shortcut", "RAG", "retrieval-augmented-generation")]
    seen.clear()
    assert runtime.explain("U1", "nothing here at all").found == [] and seen == []  # no miss recorded
    runtime.store.close()


def _request(**kw) -> TermRequest:
    now = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
    return TermRequest(
        **{"id": 7, "kind": RequestKind.NEW, "term": "vibe <!here> coding", "term_key": "vibe coding",
           "requester": "UASKER01", "status": "declined", "created_at": now, "updated_at": now, "votes": 2,
           "why": "Heard it <@UX>", "resolution": "Covered elsewhere.", "reviewer": "UREVIEW01", **kw}
    )  # fmt: skip


HISTORY = [
    {"actor": "UASKER01", "action": "filed", "from_status": None, "to_status": "open", "note": "new",
     "at": dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)},
    {"actor": "UASKER01", "action": "voted", "from_status": None, "to_status": None, "note": "",
     "at": dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)},
    {"actor": "UVOTER01", "action": "voted", "from_status": None, "to_status": None, "note": "",
     "at": dt.datetime(2025, 3, 4, 9, tzinfo=dt.UTC)},
    {"actor": "UREVIEW01", "action": "status", "from_status": "open", "to_status": "declined",
     "note": "Covered elsewhere.", "at": dt.datetime(2025, 3, 5, 9, tzinfo=dt.UTC)},
]  # fmt: skip


def test_request_detail_for_a_reviewer_and_for_the_requester():
    request = _request()
    to_reviewer = request_detail(request, HISTORY, viewer="UREVIEW01", reviewer=True)
    assert_valid_message(to_reviewer)
    assert_no_injection(to_reviewer["blocks"], allowed_mentions=("<@UASKER01>", "<@UVOTER01>", "<@UREVIEW01>"))
    shown = json.dumps(to_reviewer["blocks"])
    assert "<@UVOTER01> voted" in shown and "<@UASKER01> filed it" in shown
    assert "<@UREVIEW01> moved it from Open to Declined (Covered elsewhere.)" in shown
    to_requester = json.dumps(request_detail(request, HISTORY, viewer="UASKER01", reviewer=False)["blocks"])
    assert "UVOTER01" not in to_requester and "someone voted" in to_requester and "you filed it" in to_requester
    anonymous = json.dumps(request_detail(_request(anonymous=True), HISTORY, viewer="UREVIEW01", reviewer=True))
    assert "UASKER01" not in anonymous and "someone (anonymous) filed it" in anonymous


def test_request_detail_with_a_long_history_stays_within_50_blocks():
    votes = [{**HISTORY[2], "actor": f"UVOTER{i:04d}"} for i in range(5000)]
    message = request_detail(_request(votes=5001), HISTORY[:1] + votes, viewer="UREVIEW01", reviewer=True)
    assert_valid_message(message)
    assert "more entries" in json.dumps(message["blocks"][-1])


def test_who_may_read_a_request_and_who_may_see_its_requester():
    request = _request()
    assert may_read(request, "UASKER01", reviewer=False) and may_read(request, "UOTHER01", reviewer=True)
    assert not may_read(request, "UVOTER01", reviewer=False)
    voted = _request(voters=("UASKER01", "UVOTER01"))
    assert may_read(voted, "UVOTER01", reviewer=False)  # their request too: the Home lists it, news reaches them
    assert may_see_requester(voted, "UVOTER01")
    anonymous = _request(anonymous=True, voters=("UASKER01", "UVOTER01"))
    assert may_read(anonymous, "UVOTER01", reviewer=False) and not may_see_requester(anonymous, "UVOTER01")
    assert not may_see_requester(anonymous, "UREVIEW01") and may_see_requester(anonymous, "UASKER01")


@pytest.mark.parametrize("word", SUBCOMMANDS)
def test_every_subcommand_means_the_same_by_mention(word):
    for typed in {"help": ["help"], "search": ["search drift"], "set": ["set exec", "set role legal", "set clear"],
                  "request": ["request vibe coding", "request 12", "request #3"], "requests": ["requests drafting"],
                  "my": ["my requests"]}.get(word, [word + " x"]):  # fmt: skip
        assert parse_question(typed) == parse_command(typed), typed


def test_request_numbers_and_questions_that_start_like_a_subcommand():
    assert (parse_command("request 12").action, parse_command("request 12").text) == ("show_request", "12")
    assert parse_command("request #4").text == "4" and parse_command("request 5G").action == "request"
    assert parse_question("my model is slow").action == "define"  # not a subcommand: still a question
