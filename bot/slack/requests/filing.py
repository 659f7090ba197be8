"""Ways into a term request (button, command, shortcut, "Suggest a change") and the modal's submission."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...runtime import Runtime
from ...term_requests.rules import PersonRefused, RequestForm, RequestKind, validate
from ..kit import ids
from ..kit.blocks import read_value
from ..kit.card_state import CardState
from ..kit.deps import Listener, deps_of
from ..kit.messages import TERM_GONE, notice, privately
from ..outbox.modals import open_modal
from .form import field_errors, form_from_view, request_modal
from .hints import hinted_request_modal
from .messages import ID_REFUSED, confirmation_text, confirmation_view, refused_view
from .pulls import may_edit, open_edit


def request_button(
    ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    term = read_value(action.get("value")).get("t", "")
    runtime = deps_of(context).runtime
    outbox = runtime.outbox
    view = hinted_request_modal(runtime, str(term))
    open_modal(client, body["trigger_id"], view, respond=respond, user=body["user"]["id"], outbox=outbox)


def suggest_change(
    ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    deps = deps_of(context)
    state = CardState.decode(action.get("value"))
    term = deps.runtime.glossary.get(state.slug) if state else None
    if term is None:
        respond(**privately(notice(TERM_GONE)))
        return
    if deps.runtime.pulls.configured and may_edit(deps, body["user"]["id"], term):
        open_edit(deps, client, body, respond, term)  # a reviewer or owner edits the file: a pull request
        return
    view = request_modal(term=term.term, kind=RequestKind.CHANGE, slug=term.slug, term_name=term.term)
    outbox = deps_of(context).runtime.outbox
    open_modal(client, body["trigger_id"], view, respond=respond, user=body["user"]["id"], outbox=outbox)


def request_shortcut(ack: Ack, shortcut: dict, client: WebClient, context: BoltContext) -> None:
    """A global shortcut has no response_url: if the modal cannot open, the person is told by DM."""
    ack()
    outbox = deps_of(context).runtime.outbox
    user = shortcut["user"]["id"]
    open_modal(client, shortcut["trigger_id"], request_modal(), respond=None, user=user, outbox=outbox)


def submit(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    runtime = deps_of(context).runtime
    form = form_from_view(view)
    errors = validate(form, runtime.glossary)
    if errors:
        ack(response_action="errors", errors=field_errors(errors))
        return
    file_request(ack, runtime, form, body["user"]["id"], team_id=deps_of(context).team_id)


def file_request(ack: Ack, runtime: Runtime, form: RequestForm, user: str, *, team_id: str | None = None) -> None:
    """A valid form filed and the modal turned into its confirmation; the triage post and the confirmation DM are
    outbox letters committed with the request, sent by the delivery worker. Every way of filing ends here: the
    request form, and the 👎 form on a card (feedback/handlers.py)."""
    try:
        filed = runtime.requests.file(form, user, confirm=True)
    except PersonRefused as exc:  # an id the state database cannot hold (forged, or a new format): nothing written
        ack(response_action="update", view=refused_view(f"{exc} {ID_REFUSED}"))
        return
    audience = runtime.effective_settings(team_id)  # who will see it, told to the requester (or that nobody will)
    text = confirmation_text(filed.request, created=filed.created, voted=filed.voted, audience=audience)
    ack(response_action="update", view=confirmation_view(text))


LISTENERS: list[Listener] = [
    ("action", ids.REQUEST_TERM_PATTERN, request_button),
    ("action", ids.SUGGEST_CHANGE, suggest_change),
    ("shortcut", ids.REQUEST_SHORTCUT, request_shortcut),
    ("view", ids.REQUEST_VIEW, submit),
]
