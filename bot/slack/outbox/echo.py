"""Slack's echo of what the outbox posted: message_metadata_posted, for the metadata every letter carries.

It is how the outbox learns where a post landed when Slack's answer never reached it (the process died mid-call,
the call timed out), without reading any channel: the echo names the letter, the channel and the ts, and the
outbox stores them (Outbox.echoed). Only this app's own messages count (Slack sets the event's app_id from the
token that posted). Bolt drops events caused by the bot itself, so app.py keeps this one (KeepEchoes).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.middleware.ignoring_self_events import IgnoringSelfEvents

from ...runtime import Runtime
from ..kit.deps import Listener, deps_of
from .letters import echoed_letter

log = logging.getLogger(__name__)
ECHO = "message_metadata_posted"


def store(body: dict[str, Any], runtime: Runtime) -> None:
    """Where the echoed post landed, stored before Slack's request is answered (app.py calls this ahead of the
    ack): an echo acknowledged is an echo kept, and one that fails to store is answered 500 and retried by Slack."""
    found = echoed_letter(body.get("event") or {}, body.get("api_app_id"))
    if found is None:
        return
    letter_id, channel, ts = found
    if runtime.outbox.echoed(letter_id, channel, ts):
        log.info("outbox letter %d: Slack's echo says it landed in %s at %s", letter_id, channel, ts)


def on_echo(body: dict[str, Any], context: BoltContext) -> None:
    store(body, deps_of(context).runtime)  # already stored before the ack; storing again changes nothing


class KeepEchoes(IgnoringSelfEvents):
    """Bolt's filter of the bot's own events, but for the echo of its own posts: that is the point of it."""

    events_that_should_be_kept = [*IgnoringSelfEvents.events_that_should_be_kept, ECHO]


LISTENERS: list[Listener] = [("event", ECHO, on_echo)]
