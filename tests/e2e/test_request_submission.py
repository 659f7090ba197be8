"""Submitting the modal: a row, a history entry, a triage post and a confirmation; or errors on the right block."""

from __future__ import annotations

import json

import pytest
from blockkit import assert_no_injection, assert_valid_message, assert_valid_view

from .harness import wait_until
from .requests_helpers import submit_request


def test_a_valid_submission(server, fake_slack):
    reply = submit_request(
        server,
        user="UASKER01",
        aliases="promptgolf",
        where="Sprint planning",
        audiences=("engineers", "product"),
        urgency="this_quarter",
        links="https://example.org/v",
    )
    assert reply["response_action"] == "update"
    assert_valid_view(reply["view"])
    confirmation = reply["view"]["blocks"][0]["text"]["text"]
    assert "request #1" in confirmation and "*prompt golf*" in confirmation and "What happens next" in confirmation

    book = server.runtime.requests
    [request] = book.list()
    assert (request.term, request.requester, request.status, request.urgency) == (
        "prompt golf",
        "UASKER01",
        "open",
        "this_quarter",
    )
    assert [h["action"] for h in book.history(1)] == ["filed", "voted"]

    posts = fake_slack.wait_for("chat.postMessage", 2)
    triage = next(p for p in posts if p.body["channel"] == "CREQUESTS")
    dm = next(p for p in posts if p.body["channel"] == "UASKER01")
    assert_valid_message(triage.body)
    shown = json.dumps(triage.body["blocks"])
    assert "#1 prompt golf" in shown and "<@UASKER01>" in shown and "Sprint planning" in shown
    assert {e["action_id"] for e in triage.body["blocks"][-1]["elements"]} == {
        "triage:assign",
        "triage:drafting",
        "triage:in_review",
        "triage:published",
        "triage:declined",
        "triage:duplicate",
    }
    assert "request #1" in dm.body["text"]
    assert wait_until(lambda: book.get(1).message_ts is not None)  # recorded once Slack has answered
    stored = book.get(1)
    assert stored.channel_id == "CREQUESTS" and stored.message_ts  # the post is remembered for updates


def test_anonymous_requester_is_hidden_in_the_channel(server, fake_slack):
    submit_request(server, user="USHY0001", anonymous=True)
    triage = next(p for p in fake_slack.wait_for("chat.postMessage", 2) if p.body["channel"] == "CREQUESTS")
    shown = json.dumps(triage.body["blocks"])
    assert "USHY0001" not in shown and "Anonymous" in shown
    assert server.runtime.requests.get(1).requester == "USHY0001"  # still known to the bot, for the DM


@pytest.mark.parametrize(("values", "block", "words"), [
    ({"term": ""}, "req_term", "Write the term"),
    ({"term": "x" * 101}, "req_term", "100 characters"),
    ({"why": ""}, "req_why", "why it matters"),
    ({"links": "https://ok.example\nnot-a-link"}, "req_links", "full web address"),
    ({"term": "LoRA"}, "req_term", "LoRA is already in the glossary as low-rank adaptation"),
    ({"term": "retrieval augmented generation"}, "req_term",
     "retrieval-augmented generation is already in the glossary"),
])  # fmt: skip
def test_validation_errors_come_back_on_their_block(server, fake_slack, values, block, words):
    reply = submit_request(server, **values)
    assert reply["response_action"] == "errors"
    assert list(reply["errors"]) == [block] and words in reply["errors"][block]
    assert server.runtime.requests.count() == 0 and fake_slack.api_calls() == []


def test_a_duplicate_becomes_a_vote(server, fake_slack):
    submit_request(server, user="UFIRST01", term="Prompt Golf")
    fake_slack.wait_for("chat.postMessage", 2)
    reply = submit_request(server, user="USECOND1", term="prompt-golf")
    text = reply["view"]["blocks"][0]["text"]["text"]
    assert "already requested" in text and "added your vote" in text and "2 people" in text
    [update] = fake_slack.wait_for("chat.update")
    assert '"*Votes*\\n2"' in json.dumps(update.body["blocks"])
    assert server.runtime.requests.count() == 1
    posts = fake_slack.wait_for("chat.postMessage", 3)
    assert [p.body["channel"] for p in posts].count("CREQUESTS") == 1  # no second triage post
    again = submit_request(server, user="USECOND1", term="prompt golf")
    assert "already asked" in again["view"]["blocks"][0]["text"]["text"]


def test_user_text_is_stored_exactly_and_escaped_where_shown(server, fake_slack):
    odd = "<!channel> *bold* 🤖 مرحبا עברית & <@U123> <https://x|y> " + "é" * 2900
    submit_request(server, term="<!here> & *term*", why=odd[:3000], where=odd[:3000], aliases="a & <b>")
    request = server.runtime.requests.get(1)
    assert request.why == odd[:3000] and request.seen_where == odd[:3000] and request.term == "<!here> & *term*"
    triage = next(p for p in fake_slack.wait_for("chat.postMessage", 2) if p.body["channel"] == "CREQUESTS")
    assert_valid_message(triage.body)
    assert_no_injection(triage.body["blocks"], allowed_mentions=("<@UASKER01>",))
    assert "&lt;!channel&gt;" in json.dumps(triage.body["blocks"])
