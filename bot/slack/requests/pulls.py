"""A reviewer's "Open a pull request" on a triage post: a new term's draft is queued at once; a change request
opens a modal showing the term's file, and the text the reviewer submits becomes the pull request's diff. A card's
"Suggest a change" and the digest's "Needs a change" open the same modal, with no request behind it, when the person
is a reviewer or one of the term's owners and pull requests are set up (everyone else files a change request).
The rules (which requests, which files, which reviewers) are the core's (bot/pulls/service.py)."""

from __future__ import annotations

import json

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...glossary.model import Term
from ...governance.owners import may_act
from ...pulls.service import PullRefused, current_text
from ...term_requests.rules import RequestKind
from ..kit import ids
from ..kit.blocks import plain, safe, section
from ..kit.deps import Deps, Listener, deps_of
from ..kit.inputs import MODAL_TITLE, input_block, text_input
from ..kit.messages import notice, privately
from ..kit.people import namer
from ..outbox.modals import open_modal
from .file_form import MOST_PARTS, SLACK_INPUT_MAX, block_id, joined, split_for_form
from .triage import NOT_A_REVIEWER, _may_triage
from .triage_forms import request_number

NOT_AN_EDITOR = "Only glossary reviewers and this term's owners can turn an edit into a pull request."
TOO_LONG = (
    "This term's file ({size} characters) is longer than a Slack form can show, or has a line over 3,000 "
    "characters: edit it in git instead."
)


def _said(respond: Respond, text: str) -> None:
    respond(**privately(notice(text)))


def open_pull(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    deps = deps_of(context)
    runtime = deps.runtime
    user = body["user"]["id"]
    number = request_number(action.get("value")) or 0
    if not _may_triage(deps, user, number):
        _said(respond, NOT_A_REVIEWER)
        return
    try:
        request = runtime.requests.get(number)
        if request.kind == RequestKind.CHANGE:
            term = runtime.glossary.get(request.linked_slug or "")
            if term is None:
                raise PullRefused(f"Request #{number} names no term the glossary has now.")
            open_edit(deps, client, body, respond, term, number)
            return
        change = runtime.pulls.for_request(number, user, namer(client))
        record, created = runtime.pulls.ask(change, user)
    except (LookupError, PullRefused, OSError) as exc:
        _said(respond, str(exc))
        return
    where = f"<{record.url}|#{record.number}>" if record.url else f"on branch `{safe(record.branch, 200)}`"
    _said(
        respond,
        f"Opening a pull request for #{number}; I'll DM you its link."
        if created
        else f"Request #{number} already has a pull request {where} ({record.label}).",
    )


def may_edit(deps: Deps, user: str, term: Term) -> bool:
    """Who may turn an edit of a term into a pull request with no request behind it: the glossary's reviewers and
    the term's owners (and its categories' owners), as for triage and reviews."""
    runtime = deps.runtime
    owners = runtime.governance.owners_for_term(runtime.glossary, term)
    return may_act(user, deps.reviewers.reviewers, owners, deps.reviewers.members)


def open_edit(deps: Deps, client: WebClient, body: dict, respond: Respond, term: Term, request_id: int = 0) -> None:
    """The modal showing the term's file to edit: for a change request, or straight from a card's "Suggest a
    change" or the digest's "Needs a change" (request_id 0). A file a Slack form cannot hold is said instead."""
    try:
        text = current_text(term)
        parts = split_for_form(text)
        if parts is None:
            raise PullRefused(TOO_LONG.format(size=len(text)))
    except (PullRefused, OSError) as exc:
        _said(respond, str(exc))
        return
    modal = suggestion_modal(request_id, term.slug, term.term, parts)
    user, outbox = body["user"]["id"], deps.runtime.outbox
    open_modal(client, body["trigger_id"], modal, respond=respond, user=user, outbox=outbox)


def suggestion_modal(request_id: int, slug: str, term: str, parts: list[str]) -> dict:
    """The file in one box, or in several when it is longer than one holds (file_form.py)."""
    boxes = [
        input_block(
            block_id(k),
            "The term's file" + (f", part {k + 1} of {len(parts)}" if len(parts) > 1 else ""),
            text_input(initial=part, multiline=True, max_length=SLACK_INPUT_MAX),
            optional=k > 0,  # a later part may be emptied: that text is removed
        )
        for k, part in enumerate(parts)
    ]
    return {
        "type": "modal",
        "callback_id": ids.PULL_VIEW,
        "private_metadata": json.dumps({"r": request_id, "s": slug, "n": len(parts)}),
        "title": plain("Suggest a change", MODAL_TITLE),
        "submit": plain("Open pull request", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section(
                f"Edit *{safe(term, 200)}*'s file. The pull request changes exactly what you change here"
                + ("." if request_id else ", and the term's owners review it on GitHub.")
            ),
            *boxes,
        ],
    }


def submit_suggestion(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    runtime = deps.runtime
    user = body["user"]["id"]
    meta = json.loads(view.get("private_metadata") or "{}")
    number = int(meta.get("r") or 0)
    term = runtime.glossary.get(str(meta.get("s") or ""))
    # With a request, who may triage it; without one (a card, the digest), who may edit the term.
    allowed = _may_triage(deps, user, number) if number else term is not None and may_edit(deps, user, term)
    if not allowed:
        ack(response_action="errors", errors={ids.PULL_TEXT: NOT_A_REVIEWER if number else NOT_AN_EDITOR})
        return
    parts = min(MOST_PARTS, max(1, _int(meta.get("n"))))
    try:
        if term is None:
            raise PullRefused("That term is no longer in the glossary.")
        original = current_text(term)
        text = joined(view, parts, original)  # the file's own line endings and final newlines kept
        change = runtime.pulls.for_suggestion(runtime.glossary, term, text, user, namer(client), number or None)
        runtime.pulls.ask(change, user)
    except (LookupError, PullRefused, OSError) as exc:
        ack(response_action="errors", errors={ids.PULL_TEXT: str(exc)})
        return
    ack()


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


LISTENERS: list[Listener] = [
    ("action", ids.OPEN_PULL, open_pull),
    ("view", ids.PULL_VIEW, submit_suggestion),
]
