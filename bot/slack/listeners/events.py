"""@-mentions and DMs: public answers, in the thread they were asked in."""

from __future__ import annotations

import re

from slack_bolt import App, BoltContext, Say

from ...ask import parse_question
from ...runtime import Runtime
from ..replies import reply_for

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def question_text(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's mention (and without any other mention, which names no term)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return _MENTION.sub(" ", text).strip()


def register(app: App, runtime: Runtime) -> None:
    @app.event("app_mention")
    def on_mention(event: dict, say: Say, context: BoltContext) -> None:
        ask = parse_question(question_text(event.get("text") or "", context.bot_user_id))
        message = reply_for(runtime, event.get("user", ""), ask, public=True)
        say(**message, thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("message")
    def on_direct_message(event: dict, say: Say, context: BoltContext) -> None:
        # Only people's own new messages in a DM with the bot: no edits, joins, or bot posts.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        ask = parse_question(question_text(event.get("text") or "", context.bot_user_id))
        message = reply_for(runtime, event.get("user", ""), ask, public=True)
        say(**message, thread_ts=event.get("thread_ts"))
