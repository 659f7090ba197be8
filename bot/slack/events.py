"""@-mentions and DMs: answers in the thread they were asked in. A mention can do what /define does;
what concerns only the asker (their defaults, their requests, a request form) is answered privately."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from ..ask import Ask, Asked, parse_question
from .kit.deps import Deps, Listener, deps_of
from .outbox.notify import reply
from .replies import question_reply, reply_for
from .requests.lists import needs_reviewer_check, requests_reply
from .requests.messages import request_offer

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
# Answered only to the asker when asked in a channel: nobody else needs to see someone's settings or requests.
PRIVATE = frozenset(
    {
        Asked.SET_FRAMING,
        Asked.SET_ROLE,
        Asked.CLEAR,
        Asked.REQUEST,
        Asked.REQUESTS,
        Asked.MY_REQUESTS,
        Asked.SHOW_REQUEST,
    }
)


def question_text(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's mention (and without any other mention, which names no term)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return _MENTION.sub(" ", text).strip()


def answer(deps: Deps, user: str, ask: Ask, *, surface: str, text: str) -> dict:
    """A question about a term is answered as `python -m bot ask` answers `text` (frames, framing words,
    comparisons); a subcommand as /define answers it, except that a request becomes a button, since only a
    click can open a form."""
    if ask.action == Asked.DEFINE:
        return question_reply(deps.runtime, user, text, surface=surface)
    if ask.action == Asked.REQUEST:
        return request_offer(ask.text)
    if ask.action in (Asked.REQUESTS, Asked.MY_REQUESTS, Asked.SHOW_REQUEST):
        reviewer = needs_reviewer_check(ask) and user in deps.reviewers
        return requests_reply(deps.runtime, user, ask, reviewer=reviewer)
    return reply_for(deps.runtime, user, ask, public=True, surface=surface)


def on_mention(event: dict[str, Any], context: BoltContext) -> None:
    """A public answer is a letter in the outbox: a slow Slack never holds a listener thread. A private one
    (settings, requests) is an ephemeral message, which Slack cannot take later: sent now, with a short timeout."""
    text = question_text(event.get("text") or "", context.bot_user_id)
    ask = parse_question(text)
    user = event.get("user", "")
    message = answer(deps_of(context), user, ask, surface="mention", text=text)
    thread = event.get("thread_ts") or event["ts"]
    if ask.action in PRIVATE:
        # Ephemeral in the thread rather than a DM: the answer stays where it was asked, seen by the asker only.
        client: WebClient = context.client
        client.chat_postEphemeral(channel=event["channel"], user=user, thread_ts=thread, **message)
    else:
        reply(deps_of(context).runtime.requests.outbox, event["channel"], message, thread_ts=thread)


def on_direct_message(event: dict[str, Any], context: BoltContext) -> None:
    # Only people's own new messages in a DM with the bot: no edits, joins, or bot posts.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    text = question_text(event.get("text") or "", context.bot_user_id)
    ask = parse_question(text)
    message = answer(deps_of(context), event.get("user", ""), ask, surface="dm", text=text)  # a DM is private
    reply(deps_of(context).runtime.requests.outbox, event["channel"], message, thread_ts=event.get("thread_ts"))


# The manifest subscribes to message.im; Bolt listens by event type, so DMs arrive as "message" and
# on_direct_message keeps only the ones a person typed to the bot.
LISTENERS: list[Listener] = [
    ("event", "app_mention", on_mention),
    ("event", "message", on_direct_message),
]
