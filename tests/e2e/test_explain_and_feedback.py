""" "Explain glossary terms" on a message, and "Helpful?" on cards, through signed requests and a fake Slack."""

from __future__ import annotations

import json

from bot.glossary.model import Framing

from .harness import TEAM, block_action, interaction_body, signed_post
from .requests_helpers import post, view_submission

FORM = "application/x-www-form-urlencoded"
MESSAGE = (
    "We fine-tuned the LLMs, then tried RAG. Ask <@U0HALLUC|hallucination> or see <#C0QUANT|quantization> and "
    "<https://example.com/lora|LoRA guide>, then run `pruning` and ```guardrails```. Hallucinations are next."
)


def message_action(text, *, user="UASKER01", response_url="", thread_ts=None):
    message = {"type": "message", "user": "UWRITER1", "ts": "1700000300.000100", "text": text}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "callback_id": "explain_glossary_terms",
        "trigger_id": "trigger-5",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "channel": {"id": "C0000001", "name": "general"},
        "api_app_id": "A0001",
        "token": "legacy",
        "message_ts": message["ts"],
        "action_ts": "1.3",
        "message": message,
        "response_url": response_url,
    }


def shortcut(server, fake_slack, text, name, **kw):
    before = fake_slack.mark()
    reply = post(server, message_action(text, response_url=fake_slack.response_url(name), **kw))
    assert reply.status == 200 and reply.body == ""
    return before


def section_texts(body) -> list[str]:
    return [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]


def test_shortcut_lists_terms_in_order_skipping_mentions_links_and_code(server, fake_slack):
    before = shortcut(server, fake_slack, MESSAGE, "ex1")
    [call] = fake_slack.wait_for("/respond/ex1", since=before)
    assert call.body["response_type"] == "ephemeral" and call.body["replace_original"] is False
    terms = section_texts(call.body)[1:]
    assert [t.split("*")[1] for t in terms] == [
        "fine-tuning",
        "large language model",
        "retrieval-augmented generation",
        "hallucination",
    ]
    assert "(as “fine-tuned”)" in terms[0] and "(as “LLMs”)" in terms[1] and "(as “RAG”)" in terms[2]
    shown = json.dumps(call.body)
    for skipped in ("quantization", "low-rank adaptation", "pruning", "guardrails"):
        assert f"*{skipped}*" not in shown, skipped
    buttons = [b["accessory"] for b in call.body["blocks"] if b.get("accessory")]
    assert [json.loads(b["value"])["s"] for b in buttons][:2] == ["fine-tuning", "large-language-model"]
    assert {b["action_id"] for b in buttons} == {f"open_term:{i}" for i in range(4)}
    assert fake_slack.api_calls() == []  # answered through the response_url only


def test_shortcut_answers_in_the_clickers_framing_and_the_button_opens_the_card(server, fake_slack):
    server.runtime.set_framing("UEXEC001", Framing.EXEC)
    before = shortcut(server, fake_slack, "Is fine-tuning worth it?", "ex2", user="UEXEC001")
    [call] = fake_slack.wait_for("/respond/ex2", since=before)
    term = server.runtime.glossary.get("fine-tuning")
    assert term.exec_framing[:60] in json.dumps(call.body) and "(for executives)" in section_texts(call.body)[0]
    value = call.body["blocks"][1]["accessory"]["value"]
    before = fake_slack.mark()
    click = block_action("open_term:0", value, user="UEXEC001", response_url=fake_slack.response_url("ex2b"))
    assert signed_post(server.url + "/slack/events", interaction_body(click), FORM).status == 200
    [card] = fake_slack.wait_for("/respond/ex2b", since=before)
    assert card.body["blocks"][0]["text"]["text"] == "fine-tuning" and "For executives" in json.dumps(card.body)


def test_shortcut_in_a_thread_answers_in_that_thread(server, fake_slack):
    before = shortcut(server, fake_slack, "what about RAG", "ex3", thread_ts="1700000000.000001")
    [call] = fake_slack.wait_for("chat.postEphemeral", since=before)
    assert call.body["thread_ts"] == "1700000000.000001" and call.body["user"] == "UASKER01"
    assert call.body["channel"] == "C0000001" and "retrieval-augmented generation" in json.dumps(call.body)


def test_shortcut_in_a_thread_the_bot_is_not_in_falls_back_to_the_response_url(make_server, fake_slack):
    fake_slack.fail_methods["chat.postEphemeral"] = "channel_not_found"
    server = make_server()
    before = shortcut(server, fake_slack, "what about RAG", "ex4", thread_ts="1700000000.000001")
    [call] = fake_slack.wait_for("/respond/ex4", since=before)
    assert "retrieval-augmented generation" in json.dumps(call.body)


def test_shortcut_on_a_message_without_terms_offers_a_request(server, fake_slack):
    before = shortcut(server, fake_slack, "Lunch at noon? <https://example.com/rag|menu> `lora`", "ex5")
    [call] = fake_slack.wait_for("/respond/ex5", since=before)
    assert "found no glossary terms" in call.body["text"]
    assert call.body["blocks"][-1]["elements"][0]["action_id"] == "request_term"


# --- feedback ----------------------------------------------------------------------------------


def vote(server, fake_slack, action_id, *, user="UFEED001", name="fb", slug="fine-tuning", ephemeral=True):
    before = fake_slack.mark()
    payload = block_action(
        action_id, json.dumps({"s": slug}), user=user, response_url=fake_slack.response_url(name), ephemeral=ephemeral
    )
    assert signed_post(server.url + "/slack/events", interaction_body(payload), FORM).status == 200
    return before


def test_thumbs_up_records_at_once_and_thanks_privately(server, fake_slack):
    before = vote(server, fake_slack, "feedback_helpful", ephemeral=False)
    [call] = fake_slack.wait_for("/respond/fb", since=before)
    assert call.body["response_type"] == "ephemeral" and call.body["replace_original"] is False
    assert "Thanks" in call.body["text"] and server.runtime.feedback_counts() == {"fine-tuning": (1, 0)}
    before = vote(server, fake_slack, "feedback_helpful")
    fake_slack.wait_for("/respond/fb", since=before)
    assert server.runtime.feedback_counts() == {"fine-tuning": (1, 0)}  # one vote per person per term


def test_thumbs_down_opens_the_form_that_files_a_change_request(server, fake_slack):
    fake_slack.wait_for("/respond/fb", since=vote(server, fake_slack, "feedback_helpful"))
    before = vote(server, fake_slack, "feedback_unhelpful")
    [opened] = fake_slack.wait_for("views.open", since=before)
    view = json.loads(opened.body["view"]) if isinstance(opened.body["view"], str) else opened.body["view"]
    assert view["callback_id"] == "term_feedback" and json.loads(view["private_metadata"]) == {"s": "fine-tuning"}
    assert server.runtime.feedback_counts() == {"fine-tuning": (0, 1)}  # the vote changed at the click

    empty = post(server, view_submission("term_feedback", _values([], ""), user="UFEED001", private_metadata=view[
        "private_metadata"]))  # fmt: skip
    assert empty.json()["response_action"] == "errors" and "Tick what's wrong" in empty.json()["errors"]["fb_reasons"]

    before = fake_slack.mark()
    values = _values(["wrong", "outdated"], "The <!channel> example is from 2019.")
    reply = post(server, view_submission("term_feedback", values, user="UFEED001", private_metadata=view[
        "private_metadata"]))  # fmt: skip
    assert reply.json()["response_action"] == "update"
    [request] = server.runtime.requests.list()
    assert request.kind == "change" and request.linked_slug == "fine-tuning" and request.requester == "UFEED001"
    assert request.why == "Marked not helpful on the card: wrong, outdated.\nThe <!channel> example is from 2019."
    # The triage post, like any change request's, and the confirmation DM: in whichever order they land.
    posts = fake_slack.wait_for("chat.postMessage", 2, since=before)
    [triage] = [c for c in posts if c.body["channel"] == "CREQUESTS"]
    assert "<!channel>" not in json.dumps(triage.body)
    assert server.runtime.feedback_counts() == {"fine-tuning": (0, 1)}


def test_feedback_on_a_term_that_has_gone(server, fake_slack):
    before = vote(server, fake_slack, "feedback_unhelpful", slug="no-such-term", name="gone")
    [call] = fake_slack.wait_for("/respond/gone", since=before)
    assert "no longer in the glossary" in call.body["text"] and server.runtime.feedback_counts() == {}


def test_every_card_carries_the_feedback_buttons(server, fake_slack):
    from .harness import command_body

    card = signed_post(server.url + "/slack/events", command_body("rag"), FORM).json()
    ids = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "feedback_helpful" in ids and "feedback_unhelpful" in ids


def _values(reasons, note):
    return {
        "fb_reasons": {"value": {"type": "checkboxes", "selected_options": [{"value": r} for r in reasons]}},
        "fb_note": {"value": {"type": "plain_text_input", "value": note or None}},
    }
