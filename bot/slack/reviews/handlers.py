"""The weekly digest's buttons: Still accurate (recorded, with who and when) and Needs a change (the
change-request modal, prefilled; with pull requests set up, the term's file to edit, which becomes a pull
request). Only the term's owners and the reviewers may answer for a term."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...glossary.model import Term
from ...governance.owners import may_act
from ...term_requests.rules import RequestKind
from ..cards.card import card_blocks
from ..kit import ids
from ..kit.blocks import read_value
from ..kit.deps import Deps, Listener, deps_of
from ..kit.messages import TERM_GONE, notice, privately
from ..outbox.modals import open_modal
from ..requests.form import request_modal
from ..requests.pulls import open_edit

NOT_AN_OWNER = "Only this term's owners and the glossary reviewers can review it."


def _term(deps: Deps, action: dict) -> Term | None:
    slug = read_value(action.get("value")).get("s")
    return deps.runtime.glossary.get(slug) if isinstance(slug, str) else None


def _may_review(deps: Deps, user: str, term: Term) -> bool:
    runtime = deps.runtime
    owners = runtime.governance.owners_for_term(runtime.glossary, term)
    return may_act(user, deps.reviewers.reviewers, owners, deps.reviewers.members)


def still_accurate(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    deps = deps_of(context)
    user = body["user"]["id"]
    term = _term(deps, action)
    if term is None:
        respond(**privately(notice(TERM_GONE)))
        return
    if not _may_review(deps, user, term):
        respond(**privately(notice(NOT_AN_OWNER)))
        return
    deps.runtime.governance.verify(term, user)
    card = deps.runtime.open_term(user, term.slug)
    done = notice(f"Thanks: *{term.term}* is recorded as still accurate, by you, today.")
    respond(**privately({"text": done["text"], "blocks": done["blocks"] + (card_blocks(card) if card else [])}))


def needs_change(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    deps = deps_of(context)
    term = _term(deps, action)
    if term is None:
        respond(**privately(notice(TERM_GONE)))
        return
    user, outbox = body["user"]["id"], deps.runtime.outbox
    if deps.runtime.pulls.configured and _may_review(deps, user, term):
        open_edit(deps, client, body, respond, term)  # the owner writes the change: a pull request, no request
        return
    view = request_modal(term=term.term, kind=RequestKind.CHANGE, slug=term.slug, term_name=term.term)
    open_modal(client, body["trigger_id"], view, respond=respond, user=user, outbox=outbox)


LISTENERS: list[Listener] = [
    ("action", ids.STILL_ACCURATE, still_accurate),
    ("action", ids.NEEDS_CHANGE, needs_change),
]
