"""Term links unfold, end to end: link_shared into chat.unfurl (a Work Object, or the classic card where Work
Objects are off), and entity_details_requested into a flexpane drawn for each viewer."""

from __future__ import annotations

import json

import pytest
from blockkit import assert_valid_blocks
from slack_sdk.models.metadata import (
    EntityActionButton,
    EntityAttributes,
    EntityCustomField,
    EntityMetadata,
    EntityPayload,
    ExternalRef,
)

from .harness import block_action, event_body, interaction_body, signed_post

JSON = "application/json"
SITE = "https://docs.example.com/glossary"
LINK = f"{SITE}/terms/hallucination/?from=slack"


@pytest.fixture
def server(make_server):
    return make_server(glossary_url=SITE)


def send(server, event, event_id):
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), JSON)
    assert reply.status == 200, reply.body


def link_shared(server, urls, event_id="EvLink1", **extra):
    event = {
        "type": "link_shared",
        "channel": "C0000001",
        "user": "UASKER01",
        "message_ts": "1700000700.000100",
        "links": [{"url": u, "domain": "docs.example.com"} for u in urls],
        "source": "conversations_history",
        "event_ts": "1700000700.000200",
        **extra,
    }
    send(server, event, event_id)


def body_json(call, key):
    value = call.body[key]
    return json.loads(value) if isinstance(value, str) else value


def assert_valid_entity(entity: dict) -> None:
    """Every part slack_sdk has a model for, rebuilt from the dict and validated (entity_type, field types)."""
    EntityMetadata(**entity).validate_json()
    ExternalRef(**entity["external_ref"]).validate_json()
    payload = entity["entity_payload"]
    EntityPayload(**payload).validate_json()
    EntityAttributes(**payload["attributes"]).validate_json()
    for field in payload.get("custom_fields", []):
        EntityCustomField(**field).validate_json()
        assert len(str(field["value"])) <= 2000
    for group in (payload.get("actions") or {}).values():
        for button in group:
            EntityActionButton(**button).validate_json()
            assert len(button["text"]) <= 75 and len(button["value"]) <= 2000


def test_a_term_link_unfurls_as_a_work_object(server, fake_slack):
    link_shared(server, [LINK, "https://other.example.com/terms/hallucination/", f"{SITE}/terms/no-such-term/"])
    [call] = fake_slack.wait_for("chat.unfurl")
    assert call.body["channel"] == "C0000001" and call.body["ts"] == "1700000700.000100"
    [entity] = body_json(call, "metadata")["entities"]  # the other site and the unknown term are left alone
    assert_valid_entity(entity)
    assert entity["app_unfurl_url"] == LINK and entity["url"] == f"{SITE}/terms/hallucination/"
    assert entity["external_ref"]["id"] == "hallucination"
    assert entity["entity_payload"]["attributes"]["title"]["text"] == "hallucination"
    assert "For executives" not in json.dumps(entity)  # an unfurl is seen by all: nobody's framing in it


def test_without_work_objects_it_falls_back_to_the_classic_card(server, fake_slack):
    fake_slack.work_objects = False
    link_shared(server, [LINK])
    first, second = fake_slack.wait_for("chat.unfurl", count=2)
    assert first.outcome == "ok" and "metadata" in first.body  # refused by Slack: feature_not_enabled
    unfurl = body_json(second, "unfurls")[LINK]
    assert_valid_blocks(unfurl["blocks"])
    shown = json.dumps(unfurl["blocks"])
    assert "*hallucination*" in shown and "open_term:0" in shown


def test_switched_to_classic_it_never_sends_an_entity(make_server, fake_slack):
    server = make_server(glossary_url=SITE, unfurl_work_objects=False)
    link_shared(server, [LINK], source="composer", unfurl_id="Uf0001")
    [call] = fake_slack.wait_for("chat.unfurl")
    assert "metadata" not in call.body and LINK in body_json(call, "unfurls")
    assert call.body["unfurl_id"] == "Uf0001" and call.body["source"] == "composer" and "ts" not in call.body


def test_no_glossary_url_no_unfurl(make_server, fake_slack):
    server = make_server(glossary_url="")
    link_shared(server, [LINK], event_id="EvLink2")
    details(server, "UASKER01", "EvLink3", slug="no-such-term")  # a later event, answered: the first was done
    fake_slack.wait_for("entity.presentDetails")
    assert fake_slack.of("chat.unfurl") == []


def details(server, user, event_id, slug="hallucination"):
    event = {
        "type": "entity_details_requested",
        "user": user,
        "external_ref": {"id": slug, "type": "term"},
        "entity_url": f"{SITE}/terms/{slug}/",
        "link": {"url": LINK, "domain": "docs.example.com"},
        "app_unfurl_url": LINK,
        "trigger_id": f"trigger-{event_id}",
        "user_locale": "en-US",
        "channel": "C0000001",
        "message_ts": "1700000700.000100",
        "event_ts": "1700000800.000100",
    }
    send(server, event, event_id)


def test_the_flexpane_is_drawn_for_each_viewer(server, fake_slack):
    from bot.glossary.model import Framing

    server.runtime.set_framing("UEXEC0001", Framing.EXEC)
    server.runtime.set_role("UEXEC0001", "legal")
    server.runtime.set_framing("UENG00001", Framing.ENGINEER)
    details(server, "UEXEC0001", "EvDetails1")
    details(server, "UENG00001", "EvDetails2")
    calls = fake_slack.wait_for("entity.presentDetails", count=2)
    by_trigger = {c.body["trigger_id"]: body_json(c, "metadata") for c in calls}
    for entity in by_trigger.values():
        assert_valid_entity(entity)
    execs = {f["label"] for f in by_trigger["trigger-EvDetails1"]["entity_payload"]["custom_fields"]}
    engineers = {f["label"] for f in by_trigger["trigger-EvDetails2"]["entity_payload"]["custom_fields"]}
    assert execs == {"Status", "For executives", "For Legal & Compliance"}
    assert engineers == {"Status", "For engineers"}
    actions = by_trigger["trigger-EvDetails1"]["entity_payload"]["actions"]
    assert actions["primary_actions"][0]["action_id"] == "suggest_change"
    assert actions["overflow_actions"][0]["action_id"] == "request_term"


def test_a_term_gone_since_the_link_was_posted_says_so(server, fake_slack):
    details(server, "UASKER01", "EvDetails3", slug="no-such-term")
    [call] = fake_slack.wait_for("entity.presentDetails")
    error = body_json(call, "error")
    assert error["status"] == "custom" and "no longer in the glossary" in error["custom_message"]
    assert "metadata" not in call.body


def test_open_the_card_on_a_classic_unfurl_answers_the_clicker_privately(make_server, fake_slack):
    server = make_server(glossary_url=SITE, unfurl_work_objects=False)
    link_shared(server, [LINK], event_id="EvLink4")
    [call] = fake_slack.wait_for("chat.unfurl")
    [button] = body_json(call, "unfurls")[LINK]["blocks"][2]["elements"]
    click = block_action(
        button["action_id"], button["value"], ephemeral=False, response_url=fake_slack.response_url("unfurl")
    )
    click["container"] = {**click["container"], "type": "message_attachment", "is_app_unfurl": True}
    form = "application/x-www-form-urlencoded"
    assert signed_post(server.url + "/slack/events", interaction_body(click), form).status == 200
    [answer] = fake_slack.wait_for("/respond/unfurl")
    assert answer.body["response_type"] == "ephemeral" and answer.body["replace_original"] is False
    assert "hallucination" in json.dumps(answer.body["blocks"])  # the full card, for the clicker only
