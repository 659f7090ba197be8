"""A request opened from the Home tab: what was asked, where it stands, and its history, read-only.
The triage buttons stay on the requests-channel post, where each move redraws it for every reviewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ...term_requests.rules import REQUEST_STATUS_LABELS, RequestStatus, TermRequest
from ..kit.blocks import context, escape, mention, plain, safe, section
from ..kit.inputs import MODAL_TITLE
from .triage_post import triage_message

HISTORY_SHOWN = 20


def request_view(request: TermRequest, history: Sequence[Mapping[str, Any]], term_name: str | None = None) -> dict:
    blocks = [b for b in triage_message(request, term_name)["blocks"] if b["type"] != "actions"]
    lines = [_history_line(entry) for entry in history[-HISTORY_SHOWN:]]
    if lines:
        earlier = len(history) - len(lines)
        head = "*History*" + (f" (the last {len(lines)} of {len(history)})" if earlier else "")
        blocks.append(section(head + "\n" + "\n".join(lines)[:2800]))
    if request.channel_id and request.message_ts:
        blocks.append(context("Reviewers move it from its post in the requests channel."))
    return {
        "type": "modal",
        "title": plain("Term request", MODAL_TITLE),
        "close": plain("Close", MODAL_TITLE),
        "blocks": blocks,
    }


def _history_line(entry: Mapping[str, Any]) -> str:
    at = entry.get("at")
    when = f"{at:%Y-%m-%d}" if isinstance(at, dt.datetime) else ""
    actor = str(entry.get("actor") or "")
    who = "The glossary" if actor == "glossary" else mention(actor)
    action = str(entry.get("action") or "")
    note = str(entry.get("note") or "")
    if action == "filed":
        what = "filed it"
    elif action == "voted":
        what = "voted"
    elif action == "assigned":
        what = f"assigned it to {mention(note)}"
    elif action == "status":
        to = str(entry.get("to_status") or "")
        label = REQUEST_STATUS_LABELS[RequestStatus(to)] if to in set(RequestStatus) else to
        what = f"moved it to {escape(label.lower())}" + (f": {safe(note, 200)}" if note else "")
    else:
        what = escape(action)
    return f"{when} · {who} {what}"
