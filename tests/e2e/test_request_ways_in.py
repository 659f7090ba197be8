"""The request modal opens prefilled from every way in, with the click's trigger_id."""

from __future__ import annotations

import json

from blockkit import assert_valid_view

from .harness import block_action, command_body, global_shortcut, signed_post
from .requests_helpers import FORM, post


def initial_term(view: dict) -> str | None:
    block = next(b for b in view["blocks"] if b.get("block_id") == "req_term")
    return block["element"].get("initial_value")


def opened(fake_slack, trigger_id):
    [call] = fake_slack.wait_for("views.open")
    assert call.body["trigger_id"] == trigger_id
    view = call.body["view"]
    if isinstance(view, str):
        view = json.loads(view)
    assert_valid_view(view)
    assert view["callback_id"] == "term_request"
    return view


def test_miss_card_button(server, fake_slack):
    body = signed_post(server.url + "/slack/events", command_body("prompt golf"), FORM).json()
    button = body["blocks"][-1]["elements"][0]
    assert button["action_id"] == "request_term" and button["text"]["text"] == "Request this term"
    post(server, block_action("request_term", button["value"], trigger_id="trigger-miss"))
    assert initial_term(opened(fake_slack, "trigger-miss")) == "prompt golf"


def test_suggestions_card_has_the_button_too(server):
    body = signed_post(server.url + "/slack/events", command_body("halucinations of agents"), FORM).json()
    assert any(e.get("action_id") == "request_term" for b in body["blocks"] for e in b.get("elements", []))


def test_define_request_command(server, fake_slack):
    reply = signed_post(server.url + "/slack/events", command_body("request prompt golf", trigger_id="trig-cmd"), FORM)
    assert reply.status == 200 and reply.body == ""
    assert initial_term(opened(fake_slack, "trig-cmd")) == "prompt golf"


def test_global_shortcut(server, fake_slack):
    assert post(server, global_shortcut("request_glossary_term")).status == 200
    view = opened(fake_slack, "trigger-4")
    assert initial_term(view) is None and view["title"]["text"] == "Request a term"


def test_suggest_a_change_under_more(server, fake_slack):
    more = signed_post(server.url + "/slack/events", command_body("fine-tuning"), FORM).json()
    assert not any(e.get("action_id") == "suggest_change" for b in more["blocks"] for e in b.get("elements", []))
    post(server, block_action("suggest_change", '{"s":"fine-tuning"}', trigger_id="trig-change"))
    view = opened(fake_slack, "trig-change")
    assert view["title"]["text"] == "Suggest a change" and initial_term(view) == "fine-tuning"
    assert json.loads(view["private_metadata"]) == {"k": "change", "s": "fine-tuning"}


def test_more_view_offers_suggest_a_change(server, fake_slack):
    post(
        server,
        block_action("toggle_more", '{"s":"fine-tuning","f":"","x":1}', response_url=fake_slack.response_url("m")),
    )
    [call] = fake_slack.wait_for("/respond/m")
    assert any(e.get("action_id") == "suggest_change" for b in call.body["blocks"] for e in b.get("elements", []))
