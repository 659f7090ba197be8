"""@-mentions and DMs: public answers, in the thread they were asked in."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import BoltContext

from ...ask import parse_question
from ..deps import Listener, deps_of
from ..notify import reply
from ..replies import reply_for

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def question_text(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's mention (and without any other mention, which names no term)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return _MENTION.sub(" ", text).strip()


def on_mention(event: dict[str, Any], context: BoltContext) -> None:
    """The answer is a letter in the outbox: a slow Slack never holds a listener thread."""
    ask = parse_question(question_text(event.get("text") or "", context.bot_user_id))
    runtime = deps_of(context).runtime
    message = reply_for(runtime, event.get("user", ""), ask, public=True)
    reply(runtime.requests.outbox, event["channel"], message, thread_ts=event.get("thread_ts") or event["ts"])


def on_direct_message(event: dict[str, Any], context: BoltContext) -> None:
    # Only people's own new messages in a DM with the bot: no edits, joins, or bot posts.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    ask = parse_question(question_text(event.get("text") or "", context.bot_user_id))
    runtime = deps_of(context).runtime
    message = reply_for(runtime, event.get("user", ""), ask, public=True)
    reply(runtime.requests.outbox, event["channel"], message, thread_ts=event.get("thread_ts"))


# The manifest subscribes to message.im; Bolt listens by event type, so DMs arrive as "message" and
# on_direct_message keeps only the ones a person typed to the bot.
LISTENERS: list[Listener] = [
    ("event", "app_mention", on_mention),
    ("event", "message", on_direct_message),
]
