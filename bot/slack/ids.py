"""Every command, action_id, callback_id and block_id the app uses. A test checks them against manifest.yml."""

from __future__ import annotations

import re

COMMAND = "/define"

# Buttons on term cards and lookup results. Several "open term" buttons can share one actions block,
# where Slack wants distinct action_ids, so they are numbered: open_term:0, open_term:1 …
OPEN_TERM = "open_term"
OPEN_TERM_PATTERN = re.compile(r"^open_term(:\d+)?$")
SWITCH_FRAMING = "switch_framing"
SAVE_FRAMING = "save_framing"
SAVE_FRAMING_PATTERN = re.compile(r"^save_framing(:\w+)?$")
SHARE = "share_card"
MORE = "toggle_more"

# Events the app subscribes to (manifest: settings.event_subscriptions.bot_events).
EVENTS = ("app_mention", "message.im")

ACTIONS = (OPEN_TERM_PATTERN, SWITCH_FRAMING, SAVE_FRAMING_PATTERN, SHARE, MORE)
SHORTCUTS: tuple[str, ...] = ()
VIEWS: tuple[str, ...] = ()
OPTIONS: tuple[str, ...] = ()


def open_term_id(index: int) -> str:
    return f"{OPEN_TERM}:{index}"
