"""What a new request may already be, shown above the request form's fields before anyone files a duplicate:
the glossary's terms (Show, in a small view pushed over the form) and open requests for the same thing (Vote,
which adds a vote through the book's own filing path instead of a second request). The core decides what is
similar (term_requests/similar.py); this module only draws it and answers the two buttons.

Only what is public already is shown of another person's request: its number, term, status and votes (the
same a second request for the same term is told on filing), never who asked nor why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from ...glossary.model import Framing, Term
from ...runtime import Runtime
from ...term_requests.rules import ACTIVE, RequestForm, RequestKind, TermRequest
from ...term_requests.similar import Similar, similar_to
from ..kit import ids
from ..kit.blocks import button, context, plain, read_value, safe, section
from ..kit.deps import Listener, deps_of
from ..kit.inputs import MODAL_TITLE
from ..kit.messages import TERM_GONE
from .form import request_modal
from .messages import confirmation_text, confirmation_view

log = logging.getLogger(__name__)
ALREADY = "*Already in the glossary?* It may be here under another name:"
OPEN_ALREADY = "*Asked for already?* Vote for an open request instead of sending a second one:"
STALE = "That request is gone. Nothing was changed: you can still send your own request."
GONE = "Request #{n} is not open any more ({status}). Nothing was changed: you can still send your own request."


def hinted_request_modal(runtime: Runtime, term: str) -> dict:
    """The request form prefilled with `term`, headed by what the glossary and the open requests already have."""
    similar = Similar()
    try:
        if term.strip():
            active = runtime.requests.list(statuses=ACTIVE, kind=RequestKind.NEW)
            similar = similar_to(term, runtime.glossary, active)
    except Exception:  # the hints help; the form itself must open within Slack's 3 s whatever happens to them
        log.exception("could not look up what a new request may repeat; opening the form without hints")
    return request_modal(term=term, hints=hint_blocks(similar))


def hint_blocks(similar: Similar) -> list[dict]:
    """At most 2 + 3 + 3 blocks (similar_to offers three of each): the form stays far below Slack's 100."""
    blocks: list[dict] = []
    if similar.terms:
        blocks.append(section(ALREADY))
        blocks += [_term_row(i, t) for i, t in enumerate(similar.terms)]
    if similar.requests:
        blocks.append(section(OPEN_ALREADY))
        blocks += [_request_row(i, r) for i, r in enumerate(similar.requests)]
    if blocks:
        blocks.append({"type": "divider"})
    return blocks


def _term_row(index: int, term: Term) -> dict:
    text = f"*{safe(term.term, 150)}*: {safe(term.short_def, 600)}"
    return section(text, button("Show", f"{ids.REQUEST_HINT_TERM}:{index}", {"s": term.slug}))


def _request_row(index: int, request: TermRequest) -> dict:
    votes = f"{request.votes} vote{'s' if request.votes != 1 else ''}"
    text = f"*#{request.id} {safe(request.term, 150)}* · {request.label} · {votes}"
    return section(text, button("Vote", f"{ids.REQUEST_VOTE}:{index}", {"r": request.id}, style="primary"))


def term_preview(term: Term) -> dict:
    """A term pushed over the request form: read-only (the form below keeps what was typed); Back returns."""
    blocks = [
        section(f"*{safe(term.term, 200)}*\n{safe(term.short_def, 2500)}"),
        *(section(f"*{f.label}*\n{safe(term.framing(f), 2800)}") for f in Framing if term.framing(f).strip()),
        context("Go *Back* to your request: if this is the term you meant, you can close the form."),
    ]
    return {
        "type": "modal",
        "title": plain("In the glossary", MODAL_TITLE),
        "close": plain("Back", MODAL_TITLE),
        "blocks": blocks,
    }


def notice_view(text: str) -> dict:
    return {"type": "modal", "title": plain("Request a term", MODAL_TITLE), "close": plain("Back", MODAL_TITLE),
            "blocks": [section(text)]}  # fmt: skip


# --- the two buttons ---------------------------------------------------------------------------------


def show_term(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext) -> None:
    """Show: the term over the form, on the click's own trigger (a form has no response_url to answer in)."""
    ack()
    runtime = deps_of(context).runtime
    slug = str(read_value(action.get("value")).get("s") or "")
    term = runtime.glossary.get(slug)
    if term is not None:
        runtime.record_opened("button", term.slug)  # a term opened by a click: a lookup, as on a card
    view = term_preview(term) if term is not None else notice_view(TERM_GONE)
    _call(client.views_push, trigger_id=body["trigger_id"], view=view)


def vote(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext) -> None:
    """Vote: filed as a request for the open request's own term, which the book turns into a vote (or "you
    asked already") with its triage redraw and DM, exactly as a second request for that term would be."""
    ack()
    runtime = deps_of(context).runtime
    number = read_value(action.get("value")).get("r")
    try:
        request = runtime.requests.get(int(number)) if isinstance(number, int) else None
    except LookupError:
        request = None
    if request is None or not request.active or request.kind != RequestKind.NEW:
        text = GONE.format(n=request.id, status=request.label.lower()) if request is not None else STALE
        _call(client.views_push, trigger_id=body["trigger_id"], view=notice_view(text))
        return
    why = f"A vote for request #{request.id}, cast from the request form."  # read only if it closed meanwhile
    filed = runtime.requests.file(RequestForm(term=request.term, why=why), body["user"]["id"], confirm=True)
    view = confirmation_view(confirmation_text(filed.request, created=filed.created, voted=filed.voted))
    form = body.get("view") or {}
    _call(client.views_update, view_id=form.get("id"), hash=form.get("hash"), view=view)


def _call(method: Callable[..., Any], **kwargs: Any) -> None:
    """A view that Slack refuses or never shows costs the person only the view: the vote is filed, and its
    confirmation DM is already in the outbox."""
    try:
        method(**kwargs)
    except Exception as exc:  # noqa: BLE001 - a timeout, a refusal, a stale hash: nothing to undo
        log.warning("%s failed: %s", getattr(method, "__name__", "views call"), exc)


LISTENERS: list[Listener] = [
    ("action", ids.REQUEST_HINT_TERM_PATTERN, show_term),
    ("action", ids.REQUEST_VOTE_PATTERN, vote),
]
