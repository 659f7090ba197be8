"""No dead ends, end to end: a plain miss offers Request this term on /define, in a mention and in a DM, prefilled
with the words asked about; a related name the glossary lacks is a button that opens the prefilled form."""

from __future__ import annotations

import json

from blockkit import assert_no_injection, assert_valid_message, assert_valid_view
from termfactory import term_data, write_glossary

from .harness import BOT_USER, block_action, command_body, event_body, signed_post
from .requests_helpers import FORM, post

NONSENSE = "zqxjkv"


def request_buttons(message: dict) -> list[dict]:
    return [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("request_term")
    ]


def opens_prefilled(server, fake_slack, button: dict, trigger: str) -> str:
    since = fake_slack.mark()
    assert post(server, block_action(button["action_id"], button["value"], trigger_id=trigger)).status == 200
    [call] = fake_slack.wait_for("views.open", since=since)
    view = call.body["view"] if isinstance(call.body["view"], dict) else json.loads(call.body["view"])
    assert call.body["trigger_id"] == trigger
    assert_valid_view(view)
    block = next(b for b in view["blocks"] if b.get("block_id") == "req_term")
    return block["element"]["initial_value"]


def _event(server, event: dict, event_id: str) -> None:
    assert (
        signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), "application/json").status
        == 200
    )


def test_a_plain_miss_on_define_offers_the_prefilled_request(server, fake_slack):
    message = signed_post(server.url + "/slack/events", command_body(f"{NONSENSE} exec"), FORM).json()
    assert_valid_message(message)
    assert "No term matches" in message["text"]
    [button] = request_buttons(message)
    assert button["text"]["text"] == "Request this term"
    assert opens_prefilled(server, fake_slack, button, "trig-slash") == NONSENSE  # the framing word is not the term


def test_a_miss_in_a_mention_offers_it_without_the_question_frame(server, fake_slack):
    event = {
        "type": "app_mention",
        "user": "UASKER01",
        "channel": "C0000001",
        "text": f"<@{BOT_USER}> what does {NONSENSE} mean for execs?",
        "ts": "1700000100.000200",
        "event_ts": "1700000100.000200",
    }
    _event(server, event, "EvMiss1")
    [reply] = fake_slack.wait_for("chat.postMessage")
    assert_valid_message(reply.body)
    assert "No term matches" in reply.body["text"]
    [button] = request_buttons(reply.body)
    assert opens_prefilled(server, fake_slack, button, "trig-mention") == NONSENSE


def test_a_miss_in_a_dm_offers_it(server, fake_slack):
    event = {"type": "message", "channel_type": "im", "channel": "D0001", "user": "UASKER01", "ts": "1.2"}
    _event(server, {**event, "text": f"tell me about {NONSENSE} please"}, "EvMiss2")
    [reply] = fake_slack.wait_for("chat.postMessage")
    assert_valid_message(reply.body)
    [button] = request_buttons(reply.body)
    assert opens_prefilled(server, fake_slack, button, "trig-dm") == NONSENSE


def test_did_you_mean_in_a_mention_offers_the_words_asked_about(server, fake_slack):
    event = {
        "type": "app_mention",
        "user": "UASKER01",
        "channel": "C0000001",
        "text": f"<@{BOT_USER}> what is halucination?",
        "ts": "1700000100.000200",
        "event_ts": "1700000100.000200",
    }
    _event(server, event, "EvMiss3")
    [reply] = fake_slack.wait_for("chat.postMessage")
    assert "Did you mean" in reply.body["text"]
    [button] = request_buttons(reply.body)
    assert opens_prefilled(server, fake_slack, button, "trig-dym") == "halucination"


def test_a_related_name_the_glossary_lacks_opens_the_prefilled_form(make_server, fake_slack, tmp_path):
    terms = write_glossary(
        tmp_path / "terms",
        term_data(
            "alpha model", relationships={"broader": [], "narrower": [], "related": ["beta model", "gamma <!here>"]}
        ),
        term_data("beta model"),
    )
    server = make_server(glossary_dir=terms)
    card = signed_post(server.url + "/slack/events", command_body("alpha model"), FORM).json()
    assert_valid_message(card)
    assert_no_injection(card["blocks"])
    [button] = request_buttons(card)
    assert button["text"]["text"] == "Request: gamma &lt;!here&gt;"
    assert opens_prefilled(server, fake_slack, button, "trig-rel") == "gamma <!here>"  # as the file writes it
    shown = json.dumps(card["blocks"])
    assert shown.count("beta model") == 1  # a button, not also grey text
    # The link written only in alpha's file shows on beta's card too.
    other = signed_post(server.url + "/slack/events", command_body("beta model"), FORM).json()
    assert_valid_message(other)
    opens = [
        e for b in other["blocks"] if b["type"] == "actions" for e in b["elements"] if "open_term" in e["action_id"]
    ]
    assert [e["text"]["text"] for e in opens] == ["alpha model"]
