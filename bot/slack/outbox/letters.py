"""What every letter the outbox sends carries, and how the requests' letters are drawn.

The letters about requests are drawn at delivery by the requests feature (requests/letters.py, handed to the
worker as a Drawing by the app): the outbox sends letters, it does not know what they say. Replies to mentions
are the exception: they answer one question once, so the listener renders them and the letter carries the
finished message.
"""

from __future__ import annotations

from typing import Any, Protocol

from ...runtime import Runtime
from ...term_requests.rules import TermRequest
from ..kit.blocks import escape
from ..kit.messages import notice

MARK = "glossary_outbox"  # the metadata event type on every message the outbox sends: how Slack's echo names it


class Drawing(Protocol):
    """How the letters about a request become messages (bot/slack/requests/letters.py)."""

    def triage(self, runtime: Runtime, request: TermRequest) -> dict[str, Any]:
        """The requests-channel post, drawn as the request is now."""
        ...

    def direct_message(self, runtime: Runtime, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The DM a letter asks for; None when there is nothing left to say (the request is gone)."""
        ...


def stale_post_notice(request_id: int, channel: str | None, error: str) -> dict[str, Any]:
    """What a reviewer is told when the post they changed could not be redrawn."""
    where = f" in <#{escape(channel)}>" if channel else ""
    return notice(
        f"Your change to request #{request_id} is saved, but I could not update its post{where} "
        f"(Slack said: {escape(error)}), so the post may show an old status. `/define requests` shows where it "
        "stands; an admin can resend it with `python -m bot outbox --retry`."
    )


def metadata(letter_id: int, message: dict[str, Any] | None = None) -> dict[str, Any]:
    """The outbox's mark, beside the Work Object entities a message carries (a shared term, unfurls/sharing.py):
    Slack takes both in one metadata (slack_sdk's EventAndEntityMetadata)."""
    entities = ((message or {}).get("metadata") or {}).get("entities")
    mark: dict[str, Any] = {"event_type": MARK, "event_payload": {"letter": letter_id}}
    return {**mark, "entities": entities} if entities else mark


def landing(reply: Any) -> tuple[str, str]:
    """Where Slack says a chat.postMessage landed (a DM's channel is the D… id, not the user's)."""
    return str(reply["channel"]), str(reply["ts"])


def echoed_letter(event: dict[str, Any], app_id: str | None) -> tuple[int, str, str] | None:
    """(letter id, channel, ts) from Slack's message_metadata_posted echo of a message this app posted; None for
    anything else, such as another app's message carrying our event type (it cannot settle our letters)."""
    meta = event.get("metadata") or {}
    letter = (meta.get("event_payload") or {}).get("letter")
    mine = bool(app_id) and event.get("app_id") == app_id
    if not mine or meta.get("event_type") != MARK or not isinstance(letter, int) or isinstance(letter, bool):
        return None
    channel, ts = event.get("channel_id"), event.get("message_ts")
    return (letter, str(channel), str(ts)) if channel and ts else None
