""" "Helpful?" on a term card: 👍 records at once, 👎 records and opens a form whose submission files a
change request about the term, the way "Suggest a change" does. Every answer is private to the clicker."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...glossary.model import Term
from ...runtime import Runtime
from ...term_requests.feedback import feedback_problems, feedback_request
from ...term_requests.rules import validate
from ..cards.helpful import thanks
from ..kit import ids
from ..kit.blocks import read_value
from ..kit.deps import Listener, deps_of
from ..kit.messages import TERM_GONE, notice, privately
from ..outbox.modals import open_modal
from ..requests.filing import file_request
from .form import feedback_from_view, feedback_modal


def _term(runtime: Runtime, action: dict[str, Any]) -> Term | None:
    slug = read_value(action.get("value")).get("s")
    return runtime.glossary.get(slug) if isinstance(slug, str) and slug else None


def helpful(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    runtime = deps_of(context).runtime
    term = _term(runtime, action)
    if term is None:
        respond(**privately(notice(TERM_GONE)))
        return
    before = runtime.record_feedback(body["user"]["id"], term.slug, helpful=True)
    respond(**privately(thanks(term.term, changed=before is False)))


def not_helpful(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
    """The 👎 counts at the click; the form only adds what was wrong (closing it keeps the vote)."""
    ack()
    runtime = deps_of(context).runtime
    term = _term(runtime, action)
    if term is None:
        respond(**privately(notice(TERM_GONE)))
        return
    runtime.record_feedback(body["user"]["id"], term.slug, helpful=False)  # one quick write, well within 3 s
    user, view = body["user"]["id"], feedback_modal(term.slug, term.term)
    open_modal(client, body["trigger_id"], view, respond=respond, user=user, outbox=runtime.outbox)


def submit(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    runtime = deps_of(context).runtime
    slug, reasons, note = feedback_from_view(view)
    term = runtime.glossary.get(slug) if slug else None
    if term is None:
        ack(response_action="errors", errors={ids.FB_REASONS: TERM_GONE})
        return
    problem = feedback_problems(reasons, note)
    form = feedback_request(term, reasons, note)
    errors = validate(form, runtime.glossary)
    if problem or errors:
        ack(response_action="errors", errors={ids.FB_REASONS: problem or " ".join(errors.values())})
        return
    user = body["user"]["id"]
    runtime.record_feedback(user, term.slug, helpful=False)  # a 👍 given since the click is replaced again
    file_request(ack, runtime, form, user, team_id=deps_of(context).team_id)


LISTENERS: list[Listener] = [
    ("action", ids.FEEDBACK_HELPFUL, helpful),
    ("action", ids.FEEDBACK_UNHELPFUL, not_helpful),
    ("view", ids.FEEDBACK_VIEW, submit),
]
