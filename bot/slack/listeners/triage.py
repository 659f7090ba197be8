"""Reviewers triage requests from the requests channel. The server checks every click and submission:
anyone else gets a private refusal and nothing changes."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from ...glossary.lookup import normalise
from ...requests import ACTIVE, MoveRefused
from ...runtime import Runtime
from .. import ids
from ..notify import announce_declined, announce_duplicate, announce_published, update_triage
from ..render.requests import option, pick_modal, reason_modal, refusal
from ..render.text import read_value
from ..reviewers import Reviewers

log = logging.getLogger(__name__)
NOT_A_REVIEWER = "Only glossary reviewers can triage requests. Ask one of them, or the admin who sets REVIEWERS."
MAX_OPTIONS = 100


def _request_id(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def register(app: App, runtime: Runtime, reviewers: Reviewers) -> None:
    book = runtime.requests

    def private(respond: Respond, text: str) -> None:
        respond(response_type="ephemeral", replace_original=False, **refusal(text))

    @app.action(ids.TRIAGE_PATTERN)
    def triage(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        if user not in reviewers:
            private(respond, NOT_A_REVIEWER)
            return
        operation = ids.TRIAGE_PATTERN.match(action["action_id"]).group(1)
        request_id = _request_id(action.get("value"))
        try:
            request = book.get(request_id)
            meta = {"r": request.id}
            if operation == "declined":
                client.views_open(trigger_id=body["trigger_id"], view=reason_modal(request, meta))
            elif operation in ("duplicate", "published"):
                client.views_open(
                    trigger_id=body["trigger_id"], view=pick_modal(request, meta, duplicate=operation == "duplicate")
                )
            elif operation == "assign":
                update_triage(client, runtime, book.assign(request.id, user, user))
            else:
                update_triage(client, runtime, book.move(request.id, user, operation))
        except (LookupError, MoveRefused) as exc:
            private(respond, str(exc))

    def reviewer_submission(ack: Ack, body: dict) -> int | None:
        """The request a triage modal is about, if its submitter may act on it; else ack with the refusal."""
        if body["user"]["id"] not in reviewers:
            ack(response_action="errors", errors={_first_input(body["view"]): NOT_A_REVIEWER})
            return None
        return _request_id(read_value(body["view"].get("private_metadata")).get("r"))

    @app.view(ids.DECLINE_VIEW)
    def decline(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        request_id = reviewer_submission(ack, body)
        if request_id is None:
            return
        reason = (view["state"]["values"][ids.DECLINE_REASON][ids.INPUT].get("value") or "").strip()
        if not reason:
            ack(response_action="errors", errors={ids.DECLINE_REASON: "Give the requester a reason."})
            return
        try:
            request = book.move(request_id, body["user"]["id"], "declined", note=reason)
        except (LookupError, MoveRefused) as exc:
            ack(response_action="errors", errors={ids.DECLINE_REASON: str(exc)})
            return
        ack()
        update_triage(client, runtime, request)
        announce_declined(client, request)

    @app.view(ids.DUPLICATE_VIEW)
    def duplicate(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        request_id = reviewer_submission(ack, body)
        if request_id is None:
            return
        picked = (view["state"]["values"][ids.DUPLICATE_TARGET][ids.INPUT].get("selected_option") or {}).get(
            "value", ""
        )
        kind, _, ref = picked.partition(":")
        term = runtime.glossary.get(ref) if kind == "term" else None
        try:
            request = book.mark_duplicate(
                request_id,
                body["user"]["id"],
                of_request=_request_id(ref) if kind == "request" else None,
                of_term=(term.slug, term.term) if term else None,
            )
        except (LookupError, MoveRefused) as exc:
            ack(response_action="errors", errors={ids.DUPLICATE_TARGET: str(exc)})
            return
        ack()
        update_triage(client, runtime, request)
        announce_duplicate(client, request)

    @app.view(ids.PUBLISHED_VIEW)
    def published(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        request_id = reviewer_submission(ack, body)
        if request_id is None:
            return
        slug = (view["state"]["values"][ids.PUBLISHED_TERM][ids.INPUT].get("selected_option") or {}).get("value", "")
        term = runtime.glossary.get(slug)
        if term is None:
            ack(response_action="errors", errors={ids.PUBLISHED_TERM: "Pick a term that is in the glossary."})
            return
        try:
            request = book.move(
                request_id, body["user"]["id"], "published", linked_slug=term.slug, note=f"Published as {term.term}."
            )
        except (LookupError, MoveRefused) as exc:
            ack(response_action="errors", errors={ids.PUBLISHED_TERM: str(exc)})
            return
        ack()
        announce_published(client, runtime, [request])

    @app.options(ids.PICK_TERM)
    def term_options(ack: Ack, payload: dict) -> None:
        ack(options=_term_options(runtime, payload.get("value") or ""))

    @app.options(ids.PICK_TARGET)
    def target_options(ack: Ack, payload: dict) -> None:
        typed = payload.get("value") or ""
        key = normalise(typed)
        requests = [
            r for r in book.list(statuses=ACTIVE) if not key or key in r.term_key or typed.strip("#") == str(r.id)
        ]
        groups = []
        if requests:
            groups.append(
                {
                    "label": {"type": "plain_text", "text": "Open requests"},
                    "options": [option(f"#{r.id} {r.term}", f"request:{r.id}") for r in requests[:50]],
                }
            )
        terms = _term_options(runtime, typed, prefix="term:", limit=50)
        if terms:
            groups.append({"label": {"type": "plain_text", "text": "Glossary terms"}, "options": terms})
        ack(option_groups=groups)


def _term_options(runtime: Runtime, typed: str, *, prefix: str = "", limit: int = MAX_OPTIONS) -> list[dict]:
    return [option(t.term, prefix + t.slug) for t in runtime.glossary.complete(typed, limit)]


def _first_input(view: dict) -> str:
    return next(b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input")
