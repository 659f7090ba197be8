"""Outbox letters rendered as Slack messages, at the moment they are sent.

Why at delivery and not when the change is made: the core writes letters inside its own transactions and knows
nothing of Block Kit, and a letter sent late (after a retry, or a restart) should show the request as it is then,
not as it was. A triage redraw is only correct that way. Replies to mentions are the exception: they answer one
question once, so the listener renders them and the letter carries the finished message.
"""

from __future__ import annotations

from typing import Any

from ...runtime import Runtime
from ...term_requests.rules import TermRequest
from ..cards.card import card_blocks
from ..kit.blocks import escape
from ..kit.messages import notice
from ..requests.messages import confirmation_text, declined_dm, duplicate_dm, published_dm
from ..requests.triage_post import triage_message

MARK = "glossary_outbox"  # the metadata event type on every message the outbox sends: how a resend finds it


def term_name(runtime: Runtime, request: TermRequest) -> str | None:
    term = runtime.glossary.get(request.linked_slug) if request.linked_slug else None
    return term.term if term else None


def triage(runtime: Runtime, request: TermRequest) -> dict[str, Any]:
    """Drawn at delivery, so a late letter shows the request as it is now, owners included."""
    owners = runtime.governance.owners_for_request(runtime.glossary, request)
    return triage_message(request, term_name(runtime, request), owners)


def direct_message(runtime: Runtime, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The DM a letter asks for; None when there is nothing left to say (the request is gone)."""
    if "message" in payload:
        return dict(payload["message"])
    try:
        request = runtime.requests.get(int(payload["request_id"]))
    except LookupError:
        return None
    about = payload.get("about")
    voter = bool(payload.get("voter"))
    if about == "filed":
        return notice(
            confirmation_text(request, created=bool(payload.get("created")), voted=bool(payload.get("voted")))
        )
    if about == "published":
        card = runtime.open_term(payload["user"], request.linked_slug or "")
        return published_dm(request, card_blocks(card, public=True) if card else [], voter=voter)
    if about == "declined":
        return declined_dm(request, voter=voter)
    if about == "duplicate":
        return duplicate_dm(request, voter=voter)
    return None


def stale_post_notice(request_id: int, channel: str | None, error: str) -> dict[str, Any]:
    """What a reviewer is told when the post they changed could not be redrawn."""
    where = f" in <#{escape(channel)}>" if channel else ""
    return notice(
        f"Your change to request #{request_id} is saved, but I could not update its post{where} "
        f"(Slack said: {escape(error)}), so the post may show an old status. `/define requests` shows where it "
        "stands; an admin can resend it with `python -m bot outbox --retry`."
    )


def metadata(letter_id: int) -> dict[str, Any]:
    return {"event_type": MARK, "event_payload": {"letter": letter_id}}


def carries(message: dict[str, Any], letter_id: int) -> bool:
    meta = message.get("metadata") or {}
    return meta.get("event_type") == MARK and (meta.get("event_payload") or {}).get("letter") == letter_id
