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

MARK = "glossary_outbox"  # the metadata event type on every message the outbox sends: how a resend finds it


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


def carries(message: dict[str, Any], letter_id: int) -> bool:
    meta = message.get("metadata") or {}
    return meta.get("event_type") == MARK and (meta.get("event_payload") or {}).get("letter") == letter_id
