"""A slow or refusing Slack never stalls a person: /define is answered while chat.postMessage hangs and six
mentions wait on it, and a modal Slack will not open is explained to the person where they clicked."""

from __future__ import annotations

import json
import threading

from .harness import BOT_USER, command_body, event_body, signed_post, wait_until

JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def test_define_is_answered_while_post_message_hangs_and_six_mentions_are_in_flight(make_server, fake_slack):
    # A hung call posts nothing and so is never echoed: the answers it held are sent once their echo wait is over
    # (one second here; 7 minutes by default, past Slack's retries of an event).
    server = make_server(outbox_echo_wait_seconds=1.0)
    fake_slack.fail("chat.postMessage", "hang")
    replies = []

    def mention(i):
        event = {"type": "app_mention", "user": "UASKER01", "text": f"<@{BOT_USER}> what is RAG?",
                 "ts": f"1700000001.{i:06d}", "channel": "C0000001"}  # fmt: skip
        replies.append(signed_post(server.url + "/slack/events", event_body(event, event_id=f"EvM{i}"), JSON).status)

    threads = [threading.Thread(target=mention, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert replies == [200] * 6
    fake_slack.wait_for("chat.postMessage")  # the worker is stuck on a hung call now
    answered = [signed_post(server.url + "/slack/events", command_body("RAG"), FORM) for _ in range(8)]
    assert all(a.status == 200 for a in answered)
    assert all("retrieval-augmented generation" in json.dumps(a.json()) for a in answered)
    fake_slack.heal()
    # Every mention is still answered once Slack recovers: the letters waited in the outbox.
    assert wait_until(lambda: len(fake_slack.delivered("chat.postMessage")) >= 6, timeout=60)


def _define_request(server, fake_slack):
    body = command_body("request vibe coding", response_url=fake_slack.response_url("cmd"))
    reply = signed_post(server.url + "/slack/events", body, FORM)
    assert reply.status == 200


def test_views_open_refused_tells_the_person(server, fake_slack):
    fake_slack.fail("views.open", "expired_trigger_id")
    _define_request(server, fake_slack)
    [told] = fake_slack.wait_for("/respond/cmd")
    assert told.body["response_type"] == "ephemeral"
    assert "would not open the form" in told.body["text"] and "expired_trigger_id" in told.body["text"]


def test_views_open_that_hangs_tells_the_person_within_the_trigger_window(server, fake_slack):
    fake_slack.fail("views.open", "hang")
    _define_request(server, fake_slack)
    [told] = fake_slack.wait_for("/respond/cmd", timeout=20)
    assert "did not answer in time" in told.body["text"]
