"""The letters about requests, drawn as Slack messages at the moment they are sent.

Why at delivery and not when the change is made: the core writes letters inside its own transactions and knows
nothing of Block Kit, and a letter sent late (after a retry, or a restart) should show the request as it is then,
not as it was. A triage redraw is only correct that way. The outbox's delivery worker is handed this module
(outbox.letters.Drawing) by the app, so the outbox itself knows nothing of requests.
"""

from __future__ import annotations

from typing import Any

from ...runtime import Runtime
from ...term_requests.rules import ACTIVE, RequestKind, TermRequest
from ...term_requests.similar import similar_to
from ..cards.card import card_blocks
from ..kit.messages import notice
from .messages import confirmation_text, declined_dm, duplicate_dm, published_dm
from .pull_messages import pull_dm
from .triage_post import triage_message


def term_name(runtime: Runtime, request: TermRequest) -> str | None:
    term = runtime.glossary.get(request.linked_slug) if request.linked_slug else None
    return term.term if term else None


def triage(runtime: Runtime, request: TermRequest) -> dict[str, Any]:
    """Drawn at delivery, so a late letter shows the request as it is now, owners and likely duplicates included
    (an open new-term request only: a closed one needs no more judging, a change names its term)."""
    owners = runtime.governance.owners_for_request(runtime.glossary, request)
    similar = None
    if request.active and request.kind == RequestKind.NEW:
        active = runtime.requests.list(statuses=ACTIVE, kind=RequestKind.NEW)
        similar = similar_to(request.term, runtime.glossary, active, exclude=request.id)
    pull = runtime.pulls.ledger.for_request(request.id)
    return triage_message(request, term_name(runtime, request), owners, similar, pull, runtime.pulls.configured)


def direct_message(runtime: Runtime, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The DM a letter asks for; None when there is nothing left to say (the request is gone)."""
    if "message" in payload:
        return dict(payload["message"])
    if str(payload.get("about") or "").startswith("pull_"):
        return pull_dm(payload)
    try:
        request = runtime.requests.get(int(payload["request_id"]))
    except LookupError:
        return None
    about = payload.get("about")
    voter = bool(payload.get("voter"))
    if about == "filed":
        team = payload.get("team_id") or (runtime.team.id if runtime.team else None)  # the letter's team's
        effective = runtime.effective_settings(str(team) if team else None)
        created, voted = bool(payload.get("created")), bool(payload.get("voted"))
        return notice(confirmation_text(request, created=created, voted=voted, audience=effective))
    if about == "published":
        card = runtime.open_term(payload["user"], request.linked_slug or "")
        return published_dm(request, card_blocks(card, public=True) if card else [], voter=voter)
    if about == "declined":
        return declined_dm(request, voter=voter)
    if about == "duplicate":
        return duplicate_dm(request, voter=voter)
    return None
