"""Mentions and DMs answer what `python -m bot ask TEXT --json` answers (one function, Runtime.ask), end to end:
comparisons side by side with each card one click away, a typo after a framing word through the whole
pipeline, each lookup recorded once under its surface; and `/define X vs Y` answers as a comparison too."""

from __future__ import annotations

import json

import pytest
from blockkit import assert_no_injection, assert_valid_message
from paths import BUNDLED_TERMS

from bot.cli.main import main

from .harness import BOT_USER, block_action, command_body, event_body, interaction_body, signed_post
from .requests_helpers import FORM

RAG = "retrieval-augmented-generation"


def ask_json(capsys, monkeypatch, tmp_path, text: str) -> dict:
    """What `python -m bot ask TEXT --json` prints for the same glossary."""
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "cli"))
    capsys.readouterr()
    main(["ask", text, "--json"])
    return json.loads(capsys.readouterr().out)


def send(server, event: dict, event_id: str) -> None:
    body = event_body(event, event_id=event_id)
    assert signed_post(server.url + "/slack/events", body, "application/json").status == 200


def mention(text: str) -> dict:
    return {
        "type": "app_mention",
        "user": "UASKER01",
        "channel": "C0000001",
        "text": f"<@{BOT_USER}> {text}",
        "ts": "1700000100.000200",
        "event_ts": "1700000100.000200",
    }


def dm(text: str) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D0000009",
        "user": "UASKER01",
        "text": text,
        "ts": "2.1",
    }


def buttons(message: dict, prefix: str) -> list[dict]:
    return [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(prefix)
    ]


def opened_slugs(message: dict) -> list[str]:
    return [json.loads(b["value"])["s"] for b in buttons(message, "open_term")]


def surfaces(server) -> dict[str, int]:
    assert server.runtime.flush_lookups(30)  # a generous wait: the writer thread is slow on a busy machine
    return server.runtime.lookup_stats(1).by_surface


def test_a_comparison_question_by_mention_shows_both_terms_as_ask_does(
    server, fake_slack, capsys, monkeypatch, tmp_path
):
    question = "what's the difference between RAG and fine-tuning?"
    expected = ask_json(capsys, monkeypatch, tmp_path, question)
    assert expected["status"] == "comparison"
    since = fake_slack.mark()
    send(server, mention(question), "EvCompare1")
    [post] = fake_slack.wait_for("chat.postMessage", since=since)
    message = post.body
    assert_valid_message(message)
    assert_no_injection(message["blocks"])
    assert post.body["thread_ts"] == "1700000100.000200"
    assert opened_slugs(message) == [t["slug"] for t in expected["terms"]] == [RAG, "fine-tuning"]
    fields = message["blocks"][0]["fields"]
    assert fields[0]["text"].startswith("*retrieval-augmented generation*")
    assert fields[1]["text"].startswith("*fine-tuning*")
    assert server.runtime.glossary.get("fine-tuning").short_def[:40] in fields[1]["text"]
    assert [b["text"]["text"] for b in buttons(message, "open_term")] == [
        "Open retrieval-augmented generation",
        "Open fine-tuning",
    ]
    assert surfaces(server) == {"mention": 1}


def test_a_card_opens_from_the_comparison(server, fake_slack):
    send(server, mention("RAG vs fine-tuning for engineers"), "EvCompare2")
    [post] = fake_slack.wait_for("chat.postMessage")
    first = buttons(post.body, "open_term")[1]
    since = fake_slack.mark()
    payload = block_action(
        first["action_id"], first["value"], response_url=fake_slack.response_url("cmp"), ephemeral=False
    )
    assert signed_post(server.url + "/slack/events", interaction_body(payload), FORM).status == 200
    [card] = fake_slack.wait_for("/respond/cmp", since=since)
    assert card.body["blocks"][0]["text"]["text"] == "fine-tuning"
    shown = json.dumps(card.body["blocks"])
    assert "For engineers" in shown and "For executives" not in shown  # the framing asked for travels along
    assert card.body["response_type"] == "ephemeral"  # a public comparison: the clicker's card is private


def test_a_comparison_by_dm_shows_both_terms(server, fake_slack, capsys, monkeypatch, tmp_path):
    expected = ask_json(capsys, monkeypatch, tmp_path, "LoRA vs quantization")
    send(server, dm("LoRA vs quantization"), "EvCompare3")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert_valid_message(post.body)
    assert post.body["channel"] == "D0000009"
    assert opened_slugs(post.body) == [t["slug"] for t in expected["terms"]] == ["low-rank-adaptation", "quantization"]
    assert surfaces(server) == {"dm": 1}


def test_a_typo_after_a_framing_word_goes_through_the_whole_pipeline(server, fake_slack, capsys, monkeypatch, tmp_path):
    question = "promt engineering for engineers"
    expected = ask_json(capsys, monkeypatch, tmp_path, question)
    assert expected["status"] == "suggestions" and expected["framing"] == "engineer"
    send(server, mention(question), "EvTypo1")
    [post] = fake_slack.wait_for("chat.postMessage")
    message = post.body
    assert_valid_message(message)
    assert "Did you mean" in message["text"]
    states = [json.loads(b["accessory"]["value"]) for b in message["blocks"] if "accessory" in b]
    assert [s["s"] for s in states] == [t["slug"] for t in expected["terms"]]
    assert states[0] == {"s": "prompt-engineering", "f": "engineer", "x": 0}
    [request] = buttons(message, "request_term")
    assert json.loads(request["value"]) == {"t": "promt engineering"}  # the words, not "promt", nor the frame
    assert surfaces(server) == {"mention": 1}


@pytest.mark.parametrize("text", ["RAG vs fine-tuning", "difference between RAG and fine-tuning"])
def test_define_answers_a_comparison_too(server, text):
    reply = signed_post(server.url + "/slack/events", command_body(text), FORM)
    message = reply.json()
    assert_valid_message(message)
    assert message["response_type"] == "ephemeral"
    assert opened_slugs(message) == [RAG, "fine-tuning"]
    assert surfaces(server) == {"slash": 1}
    assert server.runtime.lookup_stats(1).by_outcome == {"comparison": 1}


def test_define_stats_shows_the_cards_with_the_most_thumbs_down(server):
    for user in ("UVOTER01", "UVOTER02"):
        server.runtime.record_feedback(user, "fine-tuning", helpful=False)
    server.runtime.record_feedback("UVOTER03", "fine-tuning", helpful=True)
    reply = signed_post(server.url + "/slack/events", command_body("stats", user="UREVIEW01"), FORM).json()
    assert_valid_message(reply)
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "*fine-tuning*: 👍 1 · 👎 2" in shown
    assert "UVOTER01" not in shown  # counts only, never who voted
