"""Messages the bot sends on its own: every one goes through the outbox, never from a listener's thread.

The core queues triage posts, redraws and request DMs itself (bot/term_requests/announce.py). What is left
here is for the Slack layer's own messages: `dm()` and `reply()` write a letter carrying a finished message,
and the delivery worker (delivery.py) sends it with retries.

Bolt hands each listener a copy of the app's client, so `dm(client, …)` finds its bot's outbox by the
client's token and API address, which build_bot registers with route().
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from slack_sdk import WebClient

from ...state.outbox import DM, MESSAGE, Outbox, is_slack_user

log = logging.getLogger(__name__)
_OUTBOXES: weakref.WeakValueDictionary[tuple[str, str], Outbox] = weakref.WeakValueDictionary()


def route(client: WebClient, outbox: Outbox) -> None:
    """Messages sent "through" this client (or any copy of it) become letters in this outbox."""
    _OUTBOXES[_key(client)] = outbox


def outbox_of(client: WebClient) -> Outbox | None:
    return _OUTBOXES.get(_key(client))


def _key(client: WebClient) -> tuple[str, str]:
    return (str(getattr(client, "base_url", "")), str(getattr(client, "token", "") or ""))


def dm(client: WebClient, user_id: str, message: dict) -> None:
    """A direct message to a person, sent by the outbox. "mcp:…" requesters are nobody in Slack: skipped."""
    if not is_slack_user(user_id):
        log.info("not sending a DM to %s: not a Slack user", user_id)
        return
    _letter(client, DM, {"user": user_id, "message": message})


def dm_by(outbox: Outbox, user_id: str, message: dict) -> None:
    """dm(), for a listener that has the runtime's outbox at hand."""
    if is_slack_user(user_id):
        outbox.send(DM, {"user": user_id, "message": message})


def reply(outbox: Outbox, channel: str, message: dict, *, thread_ts: str | None = None) -> None:
    """A message in a channel or thread (an answer to a mention or a DM), sent by the outbox."""
    outbox.send(MESSAGE, {"channel": channel, "thread_ts": thread_ts, "message": message})


def _letter(client: WebClient, kind: str, payload: dict[str, Any]) -> None:
    outbox = outbox_of(client)
    if outbox is None:  # an app built without build_bot (a unit test): nobody would deliver a letter
        raise RuntimeError("this Slack client has no outbox; build the bot with build_bot()")
    outbox.send(kind, payload)
