""" "Explain glossary terms": a message shortcut that answers the clicker privately with every glossary term
the message names. Works in threads, where /define cannot be used."""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..kit import ids
from ..kit.deps import Listener, deps_of
from ..kit.messages import privately
from .explain import explain_message

log = logging.getLogger(__name__)


def explain(ack: Ack, shortcut: dict, respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    user = shortcut["user"]["id"]
    message = shortcut.get("message") or {}
    explained = deps_of(context).runtime.explain(user, message.get("text") or "")
    reply = explain_message(explained.found, explained.framing, explained.discouraged)
    thread = message.get("thread_ts")
    channel = (shortcut.get("channel") or {}).get("id")
    if (thread or not shortcut.get("response_url")) and channel:
        # In a thread, an ephemeral posted with thread_ts shows where the person is reading; the
        # response_url would show it in the channel instead. It needs the bot in the channel, though.
        try:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread, **reply)
            return
        except SlackApiError as exc:
            log.info("explain: no ephemeral in %s (%s); answering through the response_url", channel, exc)
    respond(**privately(reply))


LISTENERS: list[Listener] = [("shortcut", ids.EXPLAIN_SHORTCUT, explain)]
