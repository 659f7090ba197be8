"""'Explain what I'm looking at', end to end: app_context_changed points the explain prompt at the channel the
person has open; the prompt reads that channel's recent messages (bounded, membership checked, nothing kept)
through the Explain scanner, each term once, in the person's framing."""

from __future__ import annotations

import json

from blockkit import assert_valid_message

from .harness import TEAM, event_body, signed_post

JSON = "application/json"
ASKER = "UASKER01"
DM = "D0AGENT01"
MARKER = "Zanzibar7741"  # a word only the channel holds: it must not end up anywhere the bot keeps things
HISTORY = [  # newest first, as conversations.history answers
    {"type": "message", "user": "UOTHER01", "ts": "1700000905.000100", "text": f"Shipping the RAG demo {MARKER}"},
    {"type": "message", "user": "UOTHER02", "ts": "1700000904.000100", "text": "<@UREVIEW01> is it hallucination?"},
    {"type": "message", "user": "UOTHER01", "ts": "1700000903.000100", "text": "```\nprompt injection test\n```"},
    {
        "type": "message",
        "user": "UOTHER02",
        "ts": "1700000902.000100",
        "text": "We fine-tuned it; hallucination dropped",
    },
    {"type": "message", "user": "UOTHER01", "ts": "1700000901.000100", "text": "See <#CGENERAL1|embedding> for more"},
]


def send(server, event, event_id):
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), JSON)
    assert reply.status == 200, reply.body


def context_changed(server, entity, event_id="EvCtx1"):
    event = {
        "type": "app_context_changed",
        "user": ASKER,
        "channel": DM,
        "context": {"entities": [{**entity, "team_id": TEAM}]},
        "event_ts": "1700000950.000100",
    }
    send(server, event, event_id)


def dm(server, text, event_id, ts="1700001000.000100"):
    event = {"type": "message", "channel_type": "im", "channel": DM, "user": ASKER, "text": text, "ts": ts}
    send(server, event, event_id)


def blocks_of(post) -> list[dict]:
    blocks = post.body["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def explain_prompt(fake_slack, since=0) -> str:
    [call] = fake_slack.wait_for("assistant.threads.setSuggestedPrompts", since=since)
    prompts = call.body["prompts"]
    prompts = json.loads(prompts) if isinstance(prompts, str) else prompts
    [explain] = [p for p in prompts if p["title"] == "Explain the terms in this channel"]
    return explain["message"]


def channel_with_history(fake_slack, channel="CTEAM0001", members=("UOTHER01", "UOTHER02", ASKER)):
    fake_slack.histories[channel] = HISTORY
    fake_slack.members[channel] = list(members)


def test_explain_this_channel_names_each_term_once_and_keeps_nothing(server, fake_slack, settings):
    channel_with_history(fake_slack)  # the asker is third: the membership check turns a page
    server.runtime.set_framing(ASKER, None)
    context_changed(server, {"type": "slack#/types/channel_id", "value": "CTEAM0001"})
    prompt = explain_prompt(fake_slack)
    assert prompt == "Explain the terms in <#CTEAM0001>"
    assert "conversations.history" not in fake_slack.api_calls()  # nothing is read until the person asks

    dm(server, prompt, "EvExplain1")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == DM and post.body["thread_ts"] == "1700001000.000100"
    message = {"text": post.body["text"], "blocks": blocks_of(post)}
    assert_valid_message(message)
    shown = json.dumps(message["blocks"])
    assert "3 glossary terms" in shown
    for term in ("retrieval-augmented generation", "hallucination", "fine-tuning"):
        assert shown.count(f"*{term}*") == 1, term  # each term once, however often it was written
    # A mention, a channel name and a code block are not prose: no term from them.
    assert "prompt injection" not in shown and "*embedding*" not in shown
    assert len(fake_slack.of("conversations.members")) == 2  # paged until the asker was found
    [history] = fake_slack.of("conversations.history")
    assert history.body["channel"] == "CTEAM0001" and int(history.body["limit"]) == 50

    server.runtime.flush_lookups()
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path  # nothing read is stored


def test_a_thread_being_viewed_is_read_with_its_replies(server, fake_slack):
    fake_slack.histories["CTEAM0001"] = [
        {"type": "message", "user": "UOTHER01", "ts": "1700000800.000100", "text": "Parent: guardrails?"},
        {
            "type": "message",
            "user": "UOTHER02",
            "ts": "1700000801.000100",
            "thread_ts": "1700000800.000100",
            "text": "and chunking",
        },
        {"type": "message", "user": "UOTHER02", "ts": "1700000802.000100", "text": "elsewhere: tokenization"},
    ]
    fake_slack.members["CTEAM0001"] = [ASKER]
    value = {"channel_id": "CTEAM0001", "message_ts": "1700000800.000100"}
    context_changed(server, {"type": "slack#/types/message_context", "value": value})
    prompt = explain_prompt(fake_slack)
    assert prompt == "Explain the terms in <#CTEAM0001> thread 1700000800.000100"
    dm(server, prompt, "EvExplain2")
    [post] = fake_slack.wait_for("chat.postMessage")
    shown = json.dumps(blocks_of(post))
    assert "*guardrails*" in shown and "*chunking*" in shown and "tokeni" not in shown
    [replies] = fake_slack.of("conversations.replies")
    assert replies.body["ts"] == "1700000800.000100"


def test_a_private_channel_the_person_is_not_in_is_never_read(server, fake_slack):
    channel_with_history(fake_slack, "GSECRET01", members=("UOTHER01", "UOTHER02"))
    dm(server, "Explain the terms in <#GSECRET01>", "EvExplain3")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "you are not in <#GSECRET01>" in json.dumps(blocks_of(post))
    assert "hallucination" not in json.dumps(blocks_of(post))
    assert "conversations.history" not in fake_slack.api_calls()


def test_a_channel_the_bot_cannot_read_says_how_to_fix_it(server, fake_slack):
    dm(server, "Explain the terms in <#CNOBOT001>", "EvExplain4")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "invite me to it" in json.dumps(blocks_of(post))


def test_explain_without_a_channel_says_how_to_point_at_one(server, fake_slack):
    dm(server, "Explain the terms in this channel", "EvExplain5")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "suggested prompts" in json.dumps(blocks_of(post))
    assert "conversations.members" not in fake_slack.api_calls()


def test_switched_off_it_reads_nothing(make_server, fake_slack):
    server = make_server(explain_viewed=False)
    channel_with_history(fake_slack)
    dm(server, "Explain the terms in <#CTEAM0001>", "EvExplain6")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "switched off" in json.dumps(blocks_of(post))
    assert not [m for m in fake_slack.api_calls() if m.startswith("conversations.")]
