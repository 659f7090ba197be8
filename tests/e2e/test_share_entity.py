"""The card's "Share in channel", end to end: the term posted as the Work Object a term link unfurls into, through
the outbox; the classic public card through the response_url where Work Objects are off or Slack refuses the entity."""

from __future__ import annotations

import json

import pytest
from blockkit import assert_valid_blocks
from slack_sdk.models.metadata import EventAndEntityMetadata

from .harness import block_action, interaction_body, signed_post, wait_until
from .test_term_links import SITE, assert_valid_entity, body_json

FORM = "application/x-www-form-urlencoded"
FINE_TUNING = {"s": "fine-tuning", "f": "exec", "x": 0}


def share(server, fake_slack, *, name="share", user="USHARE01", value=None):
    payload = block_action(
        "share_card", json.dumps(value or FINE_TUNING), user=user, response_url=fake_slack.response_url(name)
    )
    reply = signed_post(server.url + "/slack/events", interaction_body(payload), FORM)
    assert reply.status == 200 and reply.body == ""


def assert_classic_card(call, user="USHARE01"):
    assert call.body["response_type"] == "in_channel" and call.body["replace_original"] is False
    assert_valid_blocks(call.body["blocks"])
    shown = json.dumps(call.body["blocks"])
    assert f"Shared by <@{user}>" in shown and "fine-tuning" in shown and "Share in channel" not in shown
    assert "metadata" not in call.body


def test_share_posts_the_term_entity_in_the_channel(make_server, fake_slack):
    server = make_server(glossary_url=SITE)
    share(server, fake_slack)
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "C0000001"
    metadata = body_json(post, "metadata")
    EventAndEntityMetadata(**metadata).validate_json()  # the outbox's mark and the entity, side by side
    assert metadata["event_type"] == "glossary_outbox"
    [entity] = metadata["entities"]
    assert_valid_entity(entity)
    assert entity["url"] == f"{SITE}/terms/fine-tuning/" and entity["external_ref"]["id"] == "fine-tuning"
    assert "For executives" not in json.dumps(entity)  # seen by all: not the sharer's framing
    assert_valid_blocks(body_json(post, "blocks"))
    assert "Shared by <@USHARE01>: *fine-tuning*" in json.dumps(body_json(post, "blocks"))
    [delete] = fake_slack.wait_for("/respond/share")  # the private copy goes; no second public card
    assert delete.body["delete_original"] is True and "blocks" not in delete.body


def test_work_objects_switched_off_share_the_classic_card(make_server, fake_slack):
    server = make_server(glossary_url=SITE, unfurl_work_objects=False)
    share(server, fake_slack)
    public, delete = fake_slack.wait_for("/respond/share", count=2)
    assert_classic_card(public)
    assert delete.body["delete_original"] is True
    assert fake_slack.of("chat.postMessage") == []


def classic_cards(fake_slack):
    return [c for c in fake_slack.of("/respond/share") if "blocks" in c.body]


@pytest.mark.parametrize("refusal", ["feature_not_enabled", "invalid_metadata", "not_in_channel"])
def test_slack_refusing_the_entity_gets_the_classic_card(make_server, fake_slack, refusal):
    if refusal == "feature_not_enabled":
        fake_slack.work_objects = False  # a workspace without Work Objects
    else:
        fake_slack.fail("chat.postMessage", refusal)
    server = make_server(glossary_url=SITE)
    share(server, fake_slack)
    [post] = fake_slack.wait_for("chat.postMessage")
    assert body_json(post, "metadata")["entities"]  # the entity was tried first
    [card] = fake_slack.wait_for("/respond/share", where=lambda c: "blocks" in c.body)
    assert_classic_card(card)
    outbox = server.runtime.outbox
    assert wait_until(lambda: outbox.letters() == []), outbox.letters()  # sent by the fallback, not dead
    assert len(classic_cards(fake_slack)) == 1 and len(fake_slack.of("chat.postMessage")) == 1


def test_when_the_classic_card_fails_too_the_letter_is_dead(make_server, fake_slack):
    fake_slack.work_objects = False
    fake_slack.fail("/respond/share", "500")
    server = make_server(glossary_url=SITE)
    share(server, fake_slack)
    outbox = server.runtime.outbox
    assert wait_until(lambda: [x.status for x in outbox.letters()] == ["dead"]), outbox.letters()
    [letter] = outbox.letters()
    assert "feature_not_enabled" in letter.last_error and "classic card failed too" in letter.last_error


def test_a_term_name_with_markup_is_shared_escaped(make_server, fake_slack, tmp_path):
    from termfactory import term_data, write_glossary

    from bot.glossary.model import slugify

    name = "R&D <b>"
    terms = write_glossary(tmp_path / "odd", term_data(name))
    server = make_server(glossary_dir=terms, glossary_url=SITE)
    share(server, fake_slack, value={"s": slugify(name), "f": "", "x": 0})
    [post] = fake_slack.wait_for("chat.postMessage")
    shown = json.dumps(body_json(post, "blocks")) + post.body["text"]
    assert "R&amp;D &lt;b&gt;" in shown and "<b>" not in shown
    [entity] = body_json(post, "metadata")["entities"]
    assert entity["entity_payload"]["attributes"]["title"]["text"] == name  # entity fields are plain text
