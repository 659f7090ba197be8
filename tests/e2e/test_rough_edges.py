"""The rough edges a new user met, each fixed: mentions that do what /define does (privately where it is
about the asker), my requests with votes, a request's history for reviewers, and https-only links."""

from __future__ import annotations

import json

from .harness import BOT_USER, command_body, event_body, signed_post
from .requests_helpers import submit_request

FORM = "application/x-www-form-urlencoded"


def mention(server, fake_slack, text, *, user="UASKER01", event_id="Ev1", thread_ts=None):
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": "1700000100.000200",
        "channel": "C0000001",
        "event_ts": "1700000100.000200",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    before = fake_slack.mark()
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), "application/json")
    assert reply.status == 200
    return before


def define(server, text, user="UASKER01"):
    reply = signed_post(server.url + "/slack/events", command_body(text, user=user), FORM)
    assert reply.status == 200
    return reply.json()


def test_set_by_mention_is_answered_privately_in_the_thread(server, fake_slack):
    before = mention(server, fake_slack, "set exec", thread_ts="1700000000.000001")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    assert call.body["user"] == "UASKER01" and call.body["thread_ts"] == "1700000000.000001"
    assert "executive" in call.body["text"] and server.runtime.store.preference("UASKER01").framing == "exec"
    before = mention(server, fake_slack, "set role legal", event_id="Ev2")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    assert call.body["thread_ts"] == "1700000100.000200" and server.runtime.store.preference("UASKER01").role
    before = mention(server, fake_slack, "what is RAG", event_id="Ev3")  # a marker: a look-up is still public
    fake_slack.wait_for("chat.postMessage", since=before)
    assert fake_slack.api_calls().count("chat.postMessage") == 1  # the two settings never went public


def test_request_by_mention_offers_the_form_privately(server, fake_slack):
    before = mention(server, fake_slack, "request prompt golf")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    [button] = call.body["blocks"][-1]["elements"]
    assert button["action_id"] == "request_term" and json.loads(button["value"]) == {"t": "prompt golf"}
    assert "prompt golf" in call.body["text"]


def test_my_requests_includes_the_ones_you_voted_for_by_command_and_mention(server, fake_slack):
    submit_request(server, term="prompt golf", user="UOTHER01")
    submit_request(server, term="agent washing", user="UASKER01")
    submit_request(server, term="prompt golf", user="UASKER01")  # a vote
    submit_request(server, term="slop", user="UOTHER01")  # not theirs
    shown = json.dumps(define(server, "my requests")["blocks"])
    assert "#1 prompt golf" in shown and "#2 agent washing" in shown and "slop" not in shown
    assert shown.count("_you voted_") == 1
    before = mention(server, fake_slack, "my requests")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    assert "#1 prompt golf" in json.dumps(call.body["blocks"]) and call.body["user"] == "UASKER01"


def test_requests_by_mention_lists_for_a_reviewer_privately(server, fake_slack):
    submit_request(server, term="prompt golf", user="UOTHER01")
    before = mention(server, fake_slack, "requests", user="UREVIEW01")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    assert call.body["user"] == "UREVIEW01" and "#1 prompt golf" in json.dumps(call.body["blocks"])


def test_request_n_shows_the_history_to_reviewers_the_requester_and_voters_only(server, fake_slack):
    submit_request(server, term="prompt golf", user="UASKER01")
    submit_request(server, term="prompt golf", user="UVOTER01")
    server.runtime.requests.move(1, "UREVIEW01", "drafting")
    reviewer = json.dumps(define(server, "request 1", user="UREVIEW01")["blocks"])
    assert "Request #1: prompt golf" in reviewer and "<@UASKER01> filed it" in reviewer
    assert "<@UVOTER01> voted" in reviewer and "<@UREVIEW01> moved it from Open to Drafting" in reviewer
    mine = json.dumps(define(server, "request #1", user="UASKER01")["blocks"])
    assert "you filed it" in mine and "someone voted" in mine and "UVOTER01" not in mine
    voter = json.dumps(define(server, "request 1", user="UVOTER01")["blocks"])
    assert "<@UVOTER01> voted" in voter and "<@UASKER01> filed it" in voter  # not anonymous: named, as on its post
    refused = json.dumps(define(server, "request 1", user="UNOBODY1")["blocks"])
    assert "not one you filed" in refused and "History" not in refused
    assert "There is no request #9" in json.dumps(define(server, "request 9", user="UREVIEW01")["blocks"])
    before = mention(server, fake_slack, "request 1", user="UREVIEW01")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    assert "History" in json.dumps(call.body["blocks"])


def test_http_links_are_refused_with_a_field_error(server, fake_slack):
    reply = submit_request(server, links="https://ok.example\nhttp://plain.example/page")
    assert reply["response_action"] == "errors"
    assert "https://, not http://" in reply["errors"]["req_links"]
    assert server.runtime.requests.count() == 0
    assert submit_request(server, links="https://ok.example")["response_action"] == "update"
