"""The agent DM's listeners: opening it, the person moving around Slack, and their messages.

The agent messaging experience (manifest: features.agent_view) opens the DM with app_home_opened, tab
"messages", and reports where the person is with app_context_changed. The older assistant container (where a
workspace still has assistant_view) speaks through assistant_thread_started and
assistant_thread_context_changed, which Bolt's Assistant helper (legacy_assistant) turns into the same calls.
Every answer is a letter in the outbox, in the thread of the person's message: Slack clears the status then.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Assistant, BoltContext, SetStatus, SetSuggestedPrompts
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..kit.deps import Listener, deps_of
from ..outbox.notify import reply
from ..router import question_text
from .prompts import TITLE, opening_prompts
from .replies import agent_answer
from .viewing import Viewing, viewing_from_assistant_thread, viewing_from_entities

log = logging.getLogger(__name__)
LOOKING = "is looking in the glossary…"


def on_messages_tab(event: dict[str, Any]) -> bool:
    """app_home_opened for the agent DM (the Messages tab); the Home tab is home/'s."""
    return event.get("tab") == "messages"


def _prompts(context: BoltContext, user: str, viewing: Viewing | None) -> list[dict[str, str]]:
    runtime = deps_of(context).runtime
    _framing, role = runtime.preferred(user)
    return opening_prompts(list(runtime.glossary.terms.values()), role, viewing)


def _suggest(set_suggested_prompts: SetSuggestedPrompts | None, prompts: list[dict[str, str]]) -> None:
    if set_suggested_prompts is None:
        return
    try:
        set_suggested_prompts(prompts=prompts, title=TITLE)
    except SlackApiError as exc:  # prompts are a convenience: the DM still answers whatever is typed
        log.info("could not set suggested prompts: %s", exc.response.get("error"))


def agent_opened(event: dict[str, Any], context: BoltContext) -> None:
    """The person opened the agent DM: prompts for their role. Bolt gives set_suggested_prompts for this event,
    without a thread (an agent app's prompts belong to the conversation, not a thread)."""
    _suggest(context.get("set_suggested_prompts"), _prompts(context, event["user"], None))


def context_changed(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The person opened another channel or thread while the DM is visible: the explain prompt now names it.
    Nothing is read here; reading waits for the person to ask."""
    user, channel = event.get("user"), event.get("channel")
    if not user or not channel:
        return
    viewing = viewing_from_entities(event.get("context"))
    prompts = _prompts(context, user, viewing)
    try:
        client.assistant_threads_setSuggestedPrompts(channel_id=channel, prompts=prompts, title=TITLE)
    except SlackApiError as exc:
        log.info("could not refresh suggested prompts: %s", exc.response.get("error"))


def _show_status(set_status: SetStatus | None) -> None:
    if set_status is None:
        return
    try:
        set_status(status=LOOKING)
    except SlackApiError as exc:
        log.info("could not set the status: %s", exc.response.get("error"))


def on_agent_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A person's message in the DM: a status while looking, then the glossary's answer in its thread."""
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return  # only people's own new messages: no edits, joins, or bot posts (our own answers included)
    deps = deps_of(context)
    _show_status(context.get("set_status"))
    text = question_text(event.get("text") or "", context.bot_user_id)
    message = agent_answer(deps.runtime, client, event.get("user", ""), text, deps.reviewers)
    reply(deps.runtime.outbox, event["channel"], message, thread_ts=event.get("thread_ts") or event["ts"])


# --- the older assistant container (assistant_view), through Bolt's Assistant helper --------------------------


def thread_started(payload: dict[str, Any], set_suggested_prompts: SetSuggestedPrompts, context: BoltContext) -> None:
    thread = payload.get("assistant_thread") or {}
    viewing = viewing_from_assistant_thread(thread)
    _suggest(set_suggested_prompts, _prompts(context, thread.get("user_id", ""), viewing))


def thread_context_changed(
    payload: dict[str, Any], set_suggested_prompts: SetSuggestedPrompts, context: BoltContext
) -> None:
    """Instead of Bolt's default (saving the context in message metadata), the explain prompt names the channel."""
    thread_started(payload, set_suggested_prompts, context)


def legacy_assistant() -> Assistant:
    assistant = Assistant()
    assistant.thread_started(thread_started)
    assistant.thread_context_changed(thread_context_changed)
    assistant.user_message(on_agent_message)
    return assistant


LISTENERS: list[Listener] = [
    ("event", "app_home_opened", agent_opened, (on_messages_tab,)),
    ("event", "app_context_changed", context_changed),
    ("event", "message", on_agent_message),
]
