"""Ways into a term request (button, command, shortcut, "Suggest a change") and the modal's submission."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...runtime import Runtime
from ...term_requests.rules import RequestForm, RequestKind, validate
from .. import ids
from ..card_state import CardState
from ..deps import Listener, deps_of
from ..notify import dm, post_triage, update_triage
from ..render.blocks import read_value
from ..render.requests import confirmation_text, confirmation_view
from ..render.results import TERM_GONE, notice
from ..replies import privately
from ..views.request_form import field_errors, form_from_view, request_modal


def request_button(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
    ack()
    term = read_value(action.get("value")).get("t", "")
    client.views_open(trigger_id=body["trigger_id"], view=request_modal(term=str(term)))


def suggest_change(
    ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    state = CardState.decode(action.get("value"))
    term = deps_of(context).runtime.glossary.get(state.slug) if state else None
    if term is None:
        respond(**privately(notice(TERM_GONE)))
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=request_modal(term=term.term, kind=RequestKind.CHANGE, slug=term.slug, term_name=term.term),
    )


def request_shortcut(ack: Ack, shortcut: dict, client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=shortcut["trigger_id"], view=request_modal())


def submit(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    runtime = deps_of(context).runtime
    form = form_from_view(view)
    errors = validate(form, runtime.glossary)
    if errors:
        ack(response_action="errors", errors=field_errors(errors))
        return
    file_request(ack, client, runtime, form, body["user"]["id"])


def file_request(ack: Ack, client: WebClient, runtime: Runtime, form: RequestForm, user: str) -> None:
    """A valid form filed, the modal turned into its confirmation, the triage post and the person told.
    Every way of filing ends here: the request form, and the 👎 form on a card (listeners/feedback.py)."""
    filed = runtime.requests.file(form, user)  # committed before anyone is told
    text = confirmation_text(filed.request, created=filed.created, voted=filed.voted)
    ack(response_action="update", view=confirmation_view(text))
    if filed.created:
        post_triage(client, runtime, filed.request)
    elif filed.voted:
        update_triage(client, runtime, filed.request)
    dm(client, user, notice(text))


LISTENERS: list[Listener] = [
    ("action", ids.REQUEST_TERM_PATTERN, request_button),
    ("action", ids.SUGGEST_CHANGE, suggest_change),
    ("shortcut", ids.REQUEST_SHORTCUT, request_shortcut),
    ("view", ids.REQUEST_VIEW, submit),
]
