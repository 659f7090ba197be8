"""Card buttons through signed block_actions whose response_url points at the fake Slack."""

from __future__ import annotations

import json

from .harness import block_action, interaction_body, signed_post

FORM = "application/x-www-form-urlencoded"


def click(server, fake_slack, action_id, value, *, name="r1", replies=1, **kw):
    """Click, then wait for this click's own replies on the response_url (not earlier clicks' replies)."""
    before = fake_slack.mark()
    payload = block_action(action_id, json.dumps(value), response_url=fake_slack.response_url(name), **kw)
    reply = signed_post(server.url + "/slack/events", interaction_body(payload), FORM)
    assert reply.status == 200 and reply.body == ""
    return fake_slack.wait_for(f"/respond/{name}", replies, since=before)


def header(call) -> str:
    return call.body["blocks"][0]["text"]["text"]


def all_text(call) -> str:
    return json.dumps(call.body["blocks"])


def test_switch_framing_replaces_a_private_card_in_place(server, fake_slack):
    [call] = click(server, fake_slack, "switch_framing", {"s": "fine-tuning", "f": "engineer", "x": 0})
    assert call.body["replace_original"] is True
    assert "For engineers" in all_text(call) and "For executives" not in all_text(call)
    assert "Show for executives" in all_text(call)
    assert fake_slack.api_calls() == []  # only the response_url


def test_framing_click_on_a_public_card_answers_the_clicker_privately(server, fake_slack):
    [call] = click(server, fake_slack, "switch_framing", {"s": "fine-tuning", "f": "exec", "x": 0}, ephemeral=False)
    assert call.body["response_type"] == "ephemeral" and call.body["replace_original"] is False
    assert "For executives" in all_text(call)


def test_always_show_me_this_one_stores_the_choice(server, fake_slack):
    [call] = click(server, fake_slack, "save_framing:exec", {"s": "rag", "f": "exec", "x": 0}, user="USAVE001")
    assert server.runtime.store.preference("USAVE001").framing == "exec"
    assert "Always show me this one" not in all_text(call)


def test_more_expands_in_place_and_less_collapses(server, fake_slack):
    [call] = click(server, fake_slack, "toggle_more", {"s": "fine-tuning", "f": "", "x": 1})
    shown = all_text(call)
    assert "In depth" in shown and "*Do*" in shown and "Also called:" in shown and "NIST AI RMF" in shown
    assert "Risk notes" in shown and '"text": "Less"' in shown
    [call] = click(server, fake_slack, "toggle_more", {"s": "fine-tuning", "f": "", "x": 0}, name="r1")
    assert "In depth" not in all_text(call)


def test_related_term_opens_in_place(server, fake_slack):
    [call] = click(server, fake_slack, "open_term:2", {"s": "model-training", "f": "exec", "x": 0})
    assert header(call) == "model training" and call.body["replace_original"] is True
    assert "For executives" in all_text(call)


def test_share_posts_a_public_copy_that_names_the_sharer(server, fake_slack):
    calls = click(
        server, fake_slack, "share_card", {"s": "fine-tuning", "f": "exec", "x": 0}, user="USHARE01", replies=2
    )
    public, delete = calls
    assert public.body["response_type"] == "in_channel" and public.body["replace_original"] is False
    assert "Shared by <@USHARE01>" in all_text(public)
    assert "Share in channel" not in all_text(public)
    assert delete.body["delete_original"] is True and "blocks" not in delete.body


def test_a_vanished_term_says_so(server, fake_slack):
    [call] = click(server, fake_slack, "open_term:0", {"s": "no-such-term"})
    assert "no longer in the glossary" in all_text(call)


def test_a_tampered_value_is_harmless(server, fake_slack):
    payload = block_action("open_term:0", "not json", response_url=fake_slack.response_url("bad"))
    reply = signed_post(server.url + "/slack/events", interaction_body(payload), FORM)
    assert reply.status == 200
    [call] = fake_slack.wait_for("/respond/bad")
    assert "no longer in the glossary" in all_text(call)
