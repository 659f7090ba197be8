"""@-mentions and DMs: public answers in the right thread, and a retried event answered once."""

from __future__ import annotations

import json

from .harness import BOT_USER, event_body, signed_post

JSON = "application/json"


def send(server, event, event_id="Ev1", headers=None):
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), JSON, headers=headers)
    assert reply.status == 200
    return reply


def mention(text, **extra):
    return {
        "type": "app_mention",
        "user": "UASKER01",
        "text": f"<@{BOT_USER}> {text}",
        "ts": "1700000100.000200",
        "channel": "C0000001",
        "event_ts": "1700000100.000200",
        **extra,
    }


def test_mention_at_top_level_replies_in_a_new_thread(server, fake_slack):
    send(server, mention("what is RAG?"))
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "C0000001" and post.body["thread_ts"] == "1700000100.000200"
    assert post.body["blocks"][0]["text"]["text"] == "retrieval-augmented generation"
    assert "Share in channel" not in json.dumps(post.body["blocks"])  # already public


def test_mention_in_a_thread_replies_in_that_thread(server, fake_slack):
    send(server, mention("define LoRA for execs", thread_ts="1700000000.000001"))
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000001"
    shown = json.dumps(post.body["blocks"])
    assert "low-rank adaptation" in shown and "For executives" in shown and "For engineers" not in shown


def test_explain_to_an_engineer(server, fake_slack):
    send(server, mention("explain hallucination to an engineer"))
    [post] = fake_slack.wait_for("chat.postMessage")
    shown = json.dumps(post.body["blocks"])
    assert '"hallucination"' in shown and "For engineers" in shown and "For executives" not in shown


def test_dm_is_answered_in_the_dm(server, fake_slack):
    send(
        server,
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0000009",
            "user": "UASKER01",
            "text": "fine-tuning",
            "ts": "1700000200.000300",
        },
    )
    [post] = fake_slack.wait_for("chat.postMessage")
    # The DM is the agent DM: the answer goes in the thread of the message, where Slack clears the status.
    assert post.body["channel"] == "D0000009" and post.body["thread_ts"] == "1700000200.000300"
    assert post.body["blocks"][0]["text"]["text"] == "fine-tuning"


def test_dm_edits_and_bot_messages_are_ignored(server, fake_slack):
    send(
        server,
        {
            "type": "message",
            "subtype": "message_changed",
            "channel_type": "im",
            "channel": "D1",
            "ts": "1.1",
            "message": {"text": "rag"},
        },
        event_id="EvEdit",
    )
    send(
        server,
        {"type": "message", "channel_type": "im", "channel": "D1", "bot_id": "BOTHER", "text": "rag", "ts": "1.2"},
        event_id="EvBot",
    )
    send(
        server,
        {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1", "text": "rag", "ts": "1.3"},
        event_id="EvChan",
    )
    send(server, mention("rag"), event_id="EvAfter")  # a marker: once it is answered, the others were skipped
    fake_slack.wait_for("chat.postMessage")
    assert fake_slack.api_calls() == ["chat.postMessage"]


def test_a_retried_event_is_answered_once_even_across_restarts(make_server, fake_slack):
    first = make_server()
    send(first, mention("rag"), event_id="EvRetry")
    fake_slack.wait_for("chat.postMessage")
    send(
        first,
        mention("rag"),
        event_id="EvRetry",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    second = make_server()  # a restart: the event id lives in the state database
    send(
        second,
        mention("rag"),
        event_id="EvRetry",
        headers={"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"},
    )
    send(second, mention("lora"), event_id="EvOther")
    fake_slack.wait_for("chat.postMessage", 2)
    posts = fake_slack.of("chat.postMessage")
    assert [p.body["blocks"][0]["text"]["text"] for p in posts] == [
        "retrieval-augmented generation",
        "low-rank adaptation",
    ]


def test_mention_with_nothing_but_the_name_gets_help(server, fake_slack):
    send(server, {**mention(""), "text": f"<@{BOT_USER}>"})
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "/define fine-tuning" in json.dumps(post.body["blocks"])
