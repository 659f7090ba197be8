"""What the person is looking at, and what they asked the agent DM to do with it. Pure: no Slack I/O.

Slack says where someone is (app_context_changed's entities, or the older assistant thread's context); the bot
keeps none of it. Instead the "Explain the terms in this channel" prompt carries the channel in its own words
(`Explain the terms in <#C…>`), so the click brings back everything the answer needs, on any instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_CHANNEL = re.compile(r"<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>")
_THREAD = re.compile(r"\bthread (\d{6,12}\.\d{1,8})\b")
_EXPLAIN = re.compile(r"^\s*explain\s+(?:the\s+)?(?:glossary\s+)?terms\s+in\b", re.IGNORECASE)
_CHANGED = re.compile(r"^\s*what\s+changed\s+in\s+the\s+glossary\b", re.IGNORECASE)


@dataclass(frozen=True)
class Viewing:
    """A channel, or one thread in it (thread_ts), that someone has open."""

    channel: str
    thread_ts: str | None = None

    def prompt_message(self) -> str:
        """The words the explain prompt sends, which explain_request() reads back."""
        words = f"Explain the terms in <#{self.channel}>"
        return f"{words} thread {self.thread_ts}" if self.thread_ts else words


@dataclass(frozen=True)
class ExplainAsked:
    """ "Explain the terms in …": viewing is None when the words name no channel ("in this channel")."""

    viewing: Viewing | None


def viewing_from_entities(context: dict[str, Any] | None) -> Viewing | None:
    """app_context_changed: entities are ordered by relevance; the first channel or message we can read wins.
    A canvas or a list is not a conversation: nothing to explain there."""
    for entity in (context or {}).get("entities") or []:
        kind, value = entity.get("type"), entity.get("value")
        if kind == "slack#/types/channel_id" and isinstance(value, str) and _CHANNEL.match(f"<#{value}>"):
            return Viewing(value)
        if kind == "slack#/types/message_context" and isinstance(value, dict):
            channel, ts = value.get("channel_id"), value.get("message_ts")
            if isinstance(channel, str) and _CHANNEL.match(f"<#{channel}>"):
                return Viewing(channel, ts if isinstance(ts, str) and _THREAD.match(f"thread {ts}") else None)
    return None


def viewing_from_assistant_thread(thread: dict[str, Any] | None) -> Viewing | None:
    """The older assistant container names the channel the person has open in context.channel_id."""
    channel = ((thread or {}).get("context") or {}).get("channel_id")
    return Viewing(channel) if isinstance(channel, str) and _CHANNEL.match(f"<#{channel}>") else None


def explain_request(text: str) -> ExplainAsked | None:
    """The explain prompt (or the same words typed): which channel, and which thread if one is named."""
    if not _EXPLAIN.match(text or ""):
        return None
    channel = _CHANNEL.search(text)
    if channel is None:
        return ExplainAsked(None)
    thread = _THREAD.search(text)
    return ExplainAsked(Viewing(channel.group(1), thread.group(1) if thread else None))


def asks_what_changed(text: str) -> bool:
    return bool(_CHANGED.match(text or ""))
