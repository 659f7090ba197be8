"""Messages the bot sends on its own: every one goes through the outbox, never from a listener's thread.

The core queues triage posts, redraws and request DMs itself (bot/term_requests/announce.py). What is left
here is for the Slack layer's own messages: `dm()` and `reply()` write a letter carrying a finished message,
and the delivery worker (delivery.py) sends it with retries. A reply is also sent at once by the thread that
wrote it, once it is stored: an answer to a mention should not wait for the worker's next round.
"""

from __future__ import annotations

import logging

from ...state.outbox import LetterKind, Outbox, is_slack_user

log = logging.getLogger(__name__)


def dm(outbox: Outbox, user_id: str, message: dict) -> None:
    """A direct message to a person, sent by the outbox. "mcp:…" requesters are nobody in Slack: skipped."""
    if not is_slack_user(user_id):
        log.info("not sending a DM to %s: not a Slack user", user_id)
        return
    outbox.send(LetterKind.DM, {"user": user_id, "message": message})


def reply(outbox: Outbox, channel: str, message: dict, *, thread_ts: str | None = None) -> None:
    """A message in a channel or thread (an answer to a mention or a DM): stored, then sent at once."""
    outbox.send_now(LetterKind.MESSAGE, {"channel": channel, "thread_ts": thread_ts, "message": message})


def share_entity(outbox: Outbox, channel: str, message: dict, *, fallback: dict) -> None:
    """A shared term as a Work Object (its entity in message["metadata"]). `fallback` is the classic card and
    the click's response_url, posted there instead if Slack refuses the entity (delivery.py)."""
    outbox.send(LetterKind.MESSAGE, {"channel": channel, "thread_ts": None, "message": message, "fallback": fallback})
