"""Reviewers triage requests from the requests channel. The server checks every click and submission:
anyone else gets a private notice and nothing changes. The rules themselves are the book's."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...governance.owners import may_act
from ...runtime import Runtime
from ...term_requests.rules import MoveRefused, TermRequest
from ..kit import ids
from ..kit.deps import Deps, Listener, deps_of
from ..kit.messages import notice, privately
from ..outbox.modals import open_modal
from . import triage_forms as forms

log = logging.getLogger(__name__)
STALE_BUTTON = "That button does not point at a request any more. Use the buttons on the request's latest post."
NOT_A_REVIEWER = "Only glossary reviewers can triage requests. Ask one of them, or the admin who sets REVIEWERS."


def _may_triage(deps: Deps, user: str, request_id: int) -> bool:
    """Reviewers, and the owners of the request's term and its categories (governance.owners.may_act)."""
    try:
        request = deps.runtime.requests.get(request_id)
    except LookupError:
        owners: tuple[str, ...] = ()
    else:
        owners = deps.runtime.governance.owners_for_request(deps.runtime.glossary, request)
    return may_act(user, deps.reviewers.reviewers, owners, deps.reviewers.members)


def _private(respond: Respond, text: str) -> None:
    respond(**privately(notice(text)))


def triage(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient, context: BoltContext) -> None:
    """A button on the triage post: open the modal that asks for more, or make the move at once."""
    ack()
    deps = deps_of(context)
    user = body["user"]["id"]
    if not _may_triage(deps, user, forms.request_number(action.get("value")) or 0):
        _private(respond, NOT_A_REVIEWER)
        return
    match = ids.TRIAGE_PATTERN.match(action["action_id"])
    operation = match.group(1) if match else ""
    book = deps.runtime.requests
    try:
        number = forms.request_number(action.get("value"))
        if number is None:
            _private(respond, STALE_BUTTON)
            return
        request = book.get(number)
        modal = forms.modal_for(operation, request)
        # The book queues the post's redraw with the change; a modal is the one call made from here.
        if modal is not None:
            open_modal(client, body["trigger_id"], modal, respond=respond, user=user, outbox=deps.runtime.outbox)
        elif operation == "assign":
            book.assign(request.id, user, user)
        else:
            book.move(request.id, user, operation)
    except (LookupError, MoveRefused) as exc:
        _private(respond, str(exc))


Change = Callable[[Runtime, int, str], TermRequest]  # (runtime, request number, reviewer) -> the request after


def _close(ack: Ack, body: dict, context: BoltContext, field: str, change: Change) -> None:
    """The shape every triage modal shares: reviewer check, core call, its refusal shown on the field, ack.
    The core queues the post's redraw and the DMs to the requester and voters with the change itself."""
    deps = deps_of(context)
    user = body["user"]["id"]
    if not _may_triage(deps, user, forms.request_of(body["view"]) or 0):
        ack(response_action="errors", errors={forms.first_input(body["view"]): NOT_A_REVIEWER})
        return
    try:
        change(deps.runtime, forms.request_of(body["view"]) or 0, user)
    except (LookupError, MoveRefused) as exc:
        ack(response_action="errors", errors={field: str(exc)})
        return
    ack()


def decline(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    reason = forms.reason(view)
    _close(ack, body, context, ids.DECLINE_REASON, lambda rt, n, who: rt.requests.decline(n, who, reason))


def duplicate(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    of_request, slug = forms.duplicate_pick(view)

    def mark(runtime: Runtime, number: int, who: str) -> TermRequest:
        term = runtime.glossary.get(slug) if slug else None
        of_term = (term.slug, term.term) if term else None
        return runtime.requests.mark_duplicate(number, who, of_request=of_request, of_term=of_term)

    _close(ack, body, context, ids.DUPLICATE_TARGET, mark)


def published(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    slug = forms.published_slug(view)

    def publish(runtime: Runtime, number: int, who: str) -> TermRequest:
        return runtime.requests.publish(number, who, runtime.glossary.get(slug))

    _close(ack, body, context, ids.PUBLISHED_TERM, publish)


def term_options(ack: Ack, payload: dict, context: BoltContext) -> None:
    glossary = deps_of(context).runtime.glossary
    ack(options=forms.term_options(glossary.complete(payload.get("value") or "", forms.MAX_OPTIONS)))


def target_options(ack: Ack, payload: dict, context: BoltContext) -> None:
    """Requests and terms this one may repeat; never the request being triaged itself."""
    runtime = deps_of(context).runtime
    typed = payload.get("value") or ""
    found = runtime.requests.search_active(typed, exclude=forms.request_of(payload.get("view")))
    ack(option_groups=forms.target_option_groups(found, runtime.glossary.complete(typed, 50)))


LISTENERS: list[Listener] = [
    ("action", ids.TRIAGE_PATTERN, triage),  # Bolt matches a pattern too
    ("view", ids.DECLINE_VIEW, decline),
    ("view", ids.DUPLICATE_VIEW, duplicate),
    ("view", ids.PUBLISHED_VIEW, published),
    ("options", ids.PICK_TERM, term_options),
    ("options", ids.PICK_TARGET, target_options),
]
