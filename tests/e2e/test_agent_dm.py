"""The agent DM end to end: signed events into the real WSGI app, answers read off the fake Slack.

Opening the DM (app_home_opened, tab "messages") sets prompts for the person's role and never draws the Home;
a question gets a card in its thread after a status; app_context_changed points the explain prompt at the channel
the person has open, and the explain reads that channel's recent messages, bounded, checked and not kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from blockkit import assert_valid_message
from paths import BUNDLED_TERMS

from .harness import BOT_USER, event_body, signed_post

JSON = "application/json"
ASKER = "UASKER01"
DM = "D0AGENT01"


def send(server, event, event_id):
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=event_id), JSON)
    assert reply.status == 200, reply.body
    return reply


def open_dm(server, user=ASKER, event_id="EvOpen1", tab="messages"):
    event = {"type": "app_home_opened", "user": user, "channel": DM, "tab": tab, "event_ts": "1700000300.000100"}
    send(server, event, event_id)


def dm(server, text, event_id, ts="1700000400.000100", user=ASKER):
    event = {"type": "message", "channel_type": "im", "channel": DM, "user": user, "text": text, "ts": ts}
    send(server, event, event_id)


def blocks_of(post) -> list[dict]:
    blocks = post.body["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def prompts_of(call) -> list[dict]:
    prompts = call.body["prompts"]
    return json.loads(prompts) if isinstance(prompts, str) else prompts


def test_opening_the_agent_dm_sets_prompts_for_the_role_and_never_draws_the_home(server, fake_slack):
    server.runtime.set_role(ASKER, "legal")
    open_dm(server)
    [call] = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert call.body["channel_id"] == DM and "thread_ts" not in call.body  # an agent app's prompts: no thread
    prompts = prompts_of(call)
    assert 1 <= len(prompts) <= 4 and all(p["title"] and p["message"] for p in prompts)
    question, explain, pack, changed = prompts
    asked = question["message"].removeprefix("What does ").removesuffix(" mean?")
    [term] = [t for t in server.runtime.glossary.terms.values() if t.term == asked]
    assert "legal" in term.roles  # the example comes from the person's own starter pack
    assert explain["message"] == "Explain the terms in this channel"
    assert pack["message"] == "browse legal" and "Legal & Compliance" in pack["title"]
    assert changed["message"] == "What changed in the glossary this week?"
    assert "views.publish" not in fake_slack.api_calls()


def test_another_role_gets_its_own_example(server, fake_slack):
    server.runtime.set_role("UENGINE01", "engineering")
    open_dm(server, user="UENGINE01", event_id="EvOpen2")
    [call] = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")
    question, _explain, pack, _changed = prompts_of(call)
    asked = question["message"].removeprefix("What does ").removesuffix(" mean?")
    [term] = [t for t in server.runtime.glossary.terms.values() if t.term == asked]
    assert "engineering" in term.roles and pack["message"] == "browse engineering"


def test_the_home_is_drawn_for_the_home_tab_only(server, fake_slack):
    open_dm(server, event_id="EvOpen3")
    fake_slack.wait_for("assistant.threads.setSuggestedPrompts")
    mark = fake_slack.mark()
    open_dm(server, event_id="EvOpen4", tab="home")
    [publish] = fake_slack.wait_for("views.publish", since=mark)
    assert publish.body["user_id"] == ASKER
    # One views.publish in all: the Messages tab never drew one, and the Home tab drew no prompts.
    assert len(fake_slack.of("views.publish")) == 1
    assert len(fake_slack.of("assistant.threads.setSuggestedPrompts")) == 1


def test_a_question_gets_a_status_then_a_card_in_its_thread(server, fake_slack):
    dm(server, "what does RAG mean?", "EvAsk1")
    [status] = fake_slack.wait_for("assistant.threads.setStatus")
    assert status.body["channel_id"] == DM and status.body["thread_ts"] == "1700000400.000100"
    assert status.body["status"] == "is looking in the glossary…"
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == DM and post.body["thread_ts"] == "1700000400.000100"
    message = {"text": post.body["text"], "blocks": blocks_of(post)}
    assert_valid_message(message)
    shown = json.dumps(message["blocks"])
    assert "retrieval-augmented generation" in shown
    assert "feedback_helpful" in shown and "feedback_unhelpful" in shown  # Helpful? routes to the usual flow
    assert fake_slack.api_calls().index("assistant.threads.setStatus") < fake_slack.api_calls().index(
        "chat.postMessage"
    )


def test_a_miss_offers_the_request_button_and_no_invented_text(server, fake_slack):
    dm(server, "what does zorblatting mean?", "EvAsk2")
    [post] = fake_slack.wait_for("chat.postMessage")
    shown = json.dumps(blocks_of(post))
    assert "No term matches" in shown and "request_term" in shown


def test_the_bots_own_answers_are_not_answered(server, fake_slack):
    event = {"type": "message", "channel_type": "im", "channel": DM, "bot_id": "B0001", "text": "rag", "ts": "1.5"}
    send(server, event, "EvBot1")
    dm(server, "embedding", "EvAsk3")  # a later message is answered: the first one was seen and skipped
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000400.000100"
    assert fake_slack.of("chat.postMessage") == [post]


def test_what_changed_this_week_lists_terms_reviewed_in_the_last_seven_days(make_server, fake_slack, tmp_path):
    today = dt.datetime.now(dt.UTC).date()
    terms = tmp_path / "terms"
    terms.mkdir()
    for name, days_ago in (("hallucination", 2), ("embedding", 30)):
        text = (BUNDLED_TERMS / f"{name}.yml").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^last_reviewed:.*$", "", text)
        day = (today - dt.timedelta(days=days_ago)).isoformat()
        (terms / f"{name}.yml").write_text(text + f'\nlast_reviewed: "{day}"\n', encoding="utf-8")
    server = make_server(glossary_dir=terms)
    dm(server, "What changed in the glossary this week?", "EvChanged1")
    [post] = fake_slack.wait_for("chat.postMessage")
    message = {"text": post.body["text"], "blocks": blocks_of(post)}
    assert_valid_message(message)
    shown = json.dumps(message["blocks"])
    assert "1 term reviewed or updated in the last 7 days" in shown
    assert "hallucination" in shown and "embedding" not in shown


def test_the_bot_user_mention_is_not_part_of_the_question(server, fake_slack):
    dm(server, f"<@{BOT_USER}> hallucination", "EvAsk4")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert '"hallucination"' in json.dumps(blocks_of(post))


def test_the_older_assistant_container_still_works(server, fake_slack):
    """A workspace whose app still has assistant_view: Bolt's Assistant helper carries the same prompts and answers."""
    thread = {"user_id": ASKER, "context": {"channel_id": "CTEAM0001"}, "channel_id": DM, "thread_ts": "1700000500.1"}
    send(server, {"type": "assistant_thread_started", "assistant_thread": thread, "event_ts": "1.1"}, "EvOld1")
    [call] = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert call.body["channel_id"] == DM and call.body["thread_ts"] == "1700000500.1"  # the older one needs it
    assert "Explain the terms in <#CTEAM0001>" in [p["message"] for p in prompts_of(call)]
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": DM,
        "user": ASKER,
        "text": "fine-tuning",
        "ts": "1700000600.000100",
        "thread_ts": "1700000500.1",
    }
    send(server, event, "EvOld2")
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000500.1" and '"fine-tuning"' in json.dumps(blocks_of(post))
    [status] = fake_slack.of("assistant.threads.setStatus")
    assert status.body["thread_ts"] == "1700000500.1"


def test_thanks_gets_a_friendly_line_not_a_miss(server, fake_slack):
    dm(server, "thanks!", "EvThanks1")
    [post] = fake_slack.wait_for("chat.postMessage")
    message = {"text": post.body["text"], "blocks": blocks_of(post)}
    assert_valid_message(message)
    assert message["text"].startswith("You're welcome!") and "No term matches" not in json.dumps(message["blocks"])
