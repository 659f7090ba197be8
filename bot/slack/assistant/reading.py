"""Reading what the person is looking at, for "Explain the terms in this channel": bounded, checked, not kept.

Only a channel the person is a member of (conversations.members) and the bot may read (conversations.history
fails otherwise); at most the last MAX_MESSAGES messages or MAX_CHARACTERS characters, newest first. The text is
handed to the scanner and dropped: nothing read is stored, logged or sent anywhere but back to this person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .viewing import Viewing

log = logging.getLogger(__name__)

MAX_MESSAGES = 50
MAX_CHARACTERS = 20_000
MEMBER_PAGES = 10  # conversations.members pages of 1,000: a channel larger than that is not checked further
_NOT_READABLE = {"not_in_channel", "channel_not_found", "missing_scope", "is_archived", "access_denied"}


@dataclass(frozen=True)
class Read:
    """The recent text, or why there is none (refusal: safe mrkdwn, shown to the person)."""

    text: str = ""
    refusal: str = ""


def is_member(client: WebClient, channel: str, user: str) -> bool:
    cursor = None
    for _ in range(MEMBER_PAGES):
        page = client.conversations_members(channel=channel, limit=1000, cursor=cursor)
        if user in (page.get("members") or []):
            return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False
    return False


def recent_text(messages: list[dict]) -> str:
    """Newest first, until either bound; a message's text is cut rather than the bound overrun."""
    parts: list[str] = []
    left = MAX_CHARACTERS
    for message in messages[:MAX_MESSAGES]:
        text = str(message.get("text") or "")[:left]
        parts.append(text)
        left -= len(text) + 1
        if left <= 0:
            break
    return "\n".join(parts)


def read_viewing(client: WebClient, user: str, viewing: Viewing) -> Read:
    where = f"<#{viewing.channel}>"
    try:
        if not is_member(client, viewing.channel, user):
            return Read(refusal=f"I only explain conversations you are a member of, and you are not in {where}.")
        if viewing.thread_ts:
            page = client.conversations_replies(channel=viewing.channel, ts=viewing.thread_ts, limit=MAX_MESSAGES)
            messages = list(reversed(page.get("messages") or []))  # replies come oldest first
        else:
            page = client.conversations_history(channel=viewing.channel, limit=MAX_MESSAGES)
            messages = page.get("messages") or []
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.info("explain: cannot read %s: %s", viewing.channel, error)
        if error in _NOT_READABLE:
            return Read(refusal=f"I can't read {where}: invite me to it (`/invite @glossary`) and ask again.")
        return Read(refusal=f"Slack did not let me read {where} just now ({error}). Please try again shortly.")
    return Read(text=recent_text(messages))
