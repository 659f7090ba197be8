"""A reviewer's "Open a pull request" on a triage post: a new term's draft is queued at once; a change request
opens a modal showing the term's file, and the text the reviewer submits becomes the pull request's diff.
The rules (which requests, which files, which reviewers) are the core's (bot/pulls/service.py)."""

from __future__ import annotations

import json

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...pulls.service import PullRefused, current_text
from ...term_requests.rules import RequestKind
from ..kit import ids
from ..kit.blocks import plain, safe, section
from ..kit.deps import Listener, deps_of
from ..kit.inputs import MODAL_TITLE, input_block, text_input, typed_value
from ..kit.messages import notice, privately
from ..kit.people import namer
from ..outbox.modals import open_modal
from .triage import NOT_A_REVIEWER, _may_triage
from .triage_forms import request_number

SLACK_INPUT_MAX = 3000  # the most characters a plain_text_input holds
TOO_LONG = "This term's file is longer than a Slack form can hold ({size} characters): edit it in git instead."


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
            text = current_text(term)
            if len(text) > SLACK_INPUT_MAX:
                raise PullRefused(TOO_LONG.format(size=len(text)))
            modal = suggestion_modal(number, term.slug, term.term, text)
            open_modal(client, body["trigger_id"], modal, respond=respond, user=user, outbox=runtime.outbox)
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


def suggestion_modal(request_id: int, slug: str, term: str, text: str) -> dict:
    return {
        "type": "modal",
        "callback_id": ids.PULL_VIEW,
        "private_metadata": json.dumps({"r": request_id, "s": slug}),
        "title": plain("Suggest a change", MODAL_TITLE),
        "submit": plain("Open pull request", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section(f"Edit *{safe(term, 200)}*'s file. The pull request changes exactly what you change here."),
            input_block(
                ids.PULL_TEXT, "The term's file", text_input(initial=text, multiline=True, max_length=SLACK_INPUT_MAX)
            ),
        ],
    }


def submit_suggestion(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    runtime = deps.runtime
    user = body["user"]["id"]
    meta = json.loads(view.get("private_metadata") or "{}")
    number = int(meta.get("r") or 0)
    if not _may_triage(deps, user, number):
        ack(response_action="errors", errors={ids.PULL_TEXT: NOT_A_REVIEWER})
        return
    term = runtime.glossary.get(str(meta.get("s") or ""))
    typed = typed_value(view, ids.PULL_TEXT)
    try:
        if term is None:
            raise PullRefused("That term is no longer in the glossary.")
        original = current_text(term)
        # Slack hands back "\n" line ends and drops a final newline: the file's own endings are kept.
        text = typed.replace("\n", "\r\n") if "\r\n" in original else typed
        if original.endswith(("\n", "\r\n")) and not text.endswith("\n"):
            text += "\r\n" if "\r\n" in original else "\n"
        change = runtime.pulls.for_suggestion(runtime.glossary, term, text, user, namer(client), number or None)
        runtime.pulls.ask(change, user)
    except (LookupError, PullRefused, OSError) as exc:
        ack(response_action="errors", errors={ids.PULL_TEXT: str(exc)})
        return
    ack()


LISTENERS: list[Listener] = [
    ("action", ids.OPEN_PULL, open_pull),
    ("view", ids.PULL_VIEW, submit_suggestion),
]
