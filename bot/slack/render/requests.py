"""Term requests as Block Kit: the request modal, its confirmation, triage posts, lists and DMs."""

from __future__ import annotations

import datetime as dt
import json

from ...requests import ANSWER_DAYS, AUDIENCES, STATUS_LABELS, TEXT_MAX, URGENCIES, TermRequest, allowed_moves
from .. import ids
from .text import BUTTON_MAX, actions, button, context, escape, link, mention, plain, safe, section, truncate

MODAL_TITLE = 24
MAX_LISTED = 25
TRIAGE_LABELS = {
    "assign": "Assign to me", "open": "Reopen", "drafting": "Start drafting", "in_review": "In review",
    "published": "Published…", "declined": "Decline…", "duplicate": "Duplicate of…",
}  # fmt: skip


def _input(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str = "") -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text_input(
    *, initial: str = "", multiline: bool = False, max_length: int = TEXT_MAX, placeholder: str = ""
) -> dict:
    element = {"type": "plain_text_input", "action_id": ids.INPUT, "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def _option(text: str, value: str) -> dict:
    return {"text": plain(text, 75), "value": value[:150]}


def request_modal(*, term: str = "", kind: str = "new", slug: str = "", term_name: str = "") -> dict:
    """The request form; `term` prefills what the person typed. A change request names its term."""
    metadata = json.dumps({"k": kind, "s": slug})
    blocks: list[dict] = []
    if kind == "change":
        blocks.append(section(f"Suggest a change to *{safe(term_name or term, 200)}*. Reviewers see it with the term."))
    blocks += [
        _input(
            ids.REQ_TERM,
            "Term or phrase",
            _text_input(initial=term.strip(), max_length=100, placeholder="e.g. vibe coding"),
        ),
        _input(
            ids.REQ_ALIASES,
            "Other names or acronyms",
            _text_input(max_length=500, placeholder="e.g. RAG, grounding"),
            optional=True,
        ),
        _input(
            ids.REQ_WHERE,
            "Where you saw it",
            _text_input(multiline=True, placeholder="A meeting, a customer call, a policy document…"),
            optional=True,
        ),
        _input(
            ids.REQ_WHY,
            "Why it matters",
            _text_input(multiline=True, placeholder="What were you trying to do when the word got in the way?"),
        ),
        _input(
            ids.REQ_AUDIENCE,
            "Who needs to understand it",
            {
                "type": "checkboxes",
                "action_id": ids.INPUT,
                "options": [_option(label, key) for key, label in AUDIENCES.items()],
            },
            optional=True,
        ),
        _input(
            ids.REQ_URGENCY,
            "How soon",
            {
                "type": "radio_buttons",
                "action_id": ids.INPUT,
                "options": [_option(label, key) for key, label in URGENCIES.items()],
            },
            optional=True,
        ),
        _input(
            ids.REQ_LINKS,
            "Helpful links",
            _text_input(multiline=True, placeholder="https://…"),
            optional=True,
            hint="One per line, each starting with https://",
        ),
        _input(
            ids.REQ_ANONYMOUS,
            "Privacy",
            {
                "type": "checkboxes",
                "action_id": ids.INPUT,
                "options": [_option("Don't show my name in the requests channel", "anonymous")],
            },
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.REQUEST_VIEW,
        "private_metadata": metadata,
        "title": plain("Suggest a change" if kind == "change" else "Request a term", MODAL_TITLE),
        "submit": plain("Send request", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": blocks,
    }


def due_date(created: dt.datetime) -> dt.date:
    """Five business days after filing: the glossary's promised answer time."""
    day, left = created.date(), ANSWER_DAYS
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def confirmation_text(request: TermRequest, *, created: bool, voted: bool) -> str:
    term = f"*{safe(request.term, 200)}*"
    if created:
        what = "change to" if request.kind == "change" else "request for"
        return (
            f"Thanks! Your {what} {term} is in as *request #{request.id}*.\n"
            f"*What happens next:* the glossary reviewers triage requests every week and will answer by "
            f"{due_date(request.created_at):%A %-d %B}. I'll message you when the term ships. "
            "`/define my requests` shows where it stands."
        )
    if voted:
        return (
            f"{term} was already requested (*#{request.id}*, {request.label.lower()}). I've added your vote: "
            f"{request.votes} people want it now. I'll message you when it ships."
        )
    return (
        f"You've already asked for {term} (*#{request.id}*, {request.label.lower()}). I'll message you when it ships."
    )


def confirmation_view(text: str) -> dict:
    return {
        "type": "modal",
        "title": plain("Request sent", MODAL_TITLE),
        "close": plain("Done", MODAL_TITLE),
        "blocks": [section(text)],
    }


def triage_message(request: TermRequest, term_name: str | None = None) -> dict:
    """The requests-channel post reviewers act on; redrawn in place at every change."""
    who = "Anonymous" if request.anonymous else mention(request.requester)
    kind = "Change to an existing term" if request.kind == "change" else "New term"
    title = f"#{request.id} {request.term}"
    fields = [
        f"*Status*\n{request.label}",
        f"*Votes*\n{request.votes}",
        f"*Kind*\n{kind}",
        f"*Urgency*\n{URGENCIES.get(request.urgency, 'Not given')}",
        f"*Audience*\n{', '.join(AUDIENCES.get(a, a) for a in request.audiences) or 'Not given'}",
        f"*Requested by*\n{who}",
        f"*Reviewer*\n{mention(request.reviewer) if request.reviewer else 'Unassigned'}",
    ]
    if term_name:
        fields.append(f"*Term*\n{safe(term_name, 200)}")
    blocks = [
        {"type": "header", "text": plain(title, 150)},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f, "verbatim": True} for f in fields[:10]]},
        section("*Why it matters*\n" + safe(request.why, 2900)),
    ]
    if request.seen_where.strip():
        blocks.append(section("*Where they saw it*\n" + safe(request.seen_where, 2900)))
    if request.aliases.strip():
        blocks.append(section("*Other names*\n" + safe(request.aliases, 2900)))
    if request.links:
        blocks.append(section(truncate("*Links*\n" + "\n".join(link(u, u) for u in request.links[:20]), 3000)))
    if request.resolution:
        blocks.append(section("*Resolution*\n" + safe(request.resolution, 2900)))
    blocks.append(
        context(f"Filed {request.created_at:%Y-%m-%d} · answer due by {due_date(request.created_at):%Y-%m-%d}")
    )
    buttons = [
        button(TRIAGE_LABELS[op], ids.triage_id(op), str(request.id))
        for op in ("assign", *allowed_moves(request.status))
        if op != "assign" or request.active
    ]
    if buttons:
        blocks.append(actions(*buttons))
    return {"text": safe(f"Term request #{request.id}: {request.term} ({request.label})", 2000), "blocks": blocks}


def reason_modal(request: TermRequest, meta: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": ids.DECLINE_VIEW,
        "private_metadata": json.dumps(meta),
        "title": plain("Decline request", MODAL_TITLE),
        "submit": plain("Decline", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section(f"Decline *#{request.id} {safe(request.term, 200)}*. The requester gets your reason in a DM."),
            _input(
                ids.DECLINE_REASON,
                "Reason",
                _text_input(
                    multiline=True,
                    max_length=1000,
                    placeholder="e.g. too specific to one team; see the onboarding guide instead",
                ),
            ),
        ],
    }


def pick_modal(request: TermRequest, meta: dict, *, duplicate: bool) -> dict:
    what = "Duplicate of" if duplicate else "Published as"
    element = {
        "type": "external_select",
        "action_id": ids.PICK_TARGET if duplicate else ids.PICK_TERM,
        "min_query_length": 0,
        "placeholder": plain("Type to search", 150),
    }
    return {
        "type": "modal",
        "callback_id": ids.DUPLICATE_VIEW if duplicate else ids.PUBLISHED_VIEW,
        "private_metadata": json.dumps(meta),
        "title": plain(what, MODAL_TITLE),
        "submit": plain("Save", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": [
            section(f"*#{request.id} {safe(request.term, 200)}*"),
            _input(
                ids.DUPLICATE_TARGET if duplicate else ids.PUBLISHED_TERM,
                "The request or term it repeats" if duplicate else "The glossary term",
                element,
            ),
        ],
    }


def option(text: str, value: str) -> dict:
    return _option(truncate(text, BUTTON_MAX), value)


def request_list(requests: list[TermRequest], *, title: str, now: dt.datetime | None = None) -> dict:
    if not requests:
        return {"text": title, "blocks": [section(f"{escape(title)}: none.")]}
    lines = []
    for r in requests[:MAX_LISTED]:
        age = r.age_days(now)
        lines.append(
            f"*#{r.id} {safe(r.term, 100)}* · {r.label} · {r.votes} vote{'s' if r.votes != 1 else ''} · "
            f"{age} day{'s' if age != 1 else ''} old" + (f" · {URGENCIES[r.urgency]}" if r.urgency in URGENCIES else "")
        )
    blocks = [section(f"*{escape(title)}*")]
    chunk: list[str] = []
    for line in lines:  # sections hold 3,000 characters
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    if len(requests) > MAX_LISTED:
        blocks.append(context(f"…and {len(requests) - MAX_LISTED} more. `python -m bot requests export` lists all."))
    return {"text": title, "blocks": blocks}


def published_dm(request: TermRequest, card_blocks: list[dict], *, voter: bool) -> dict:
    why = "voted for" if voter else "asked for"
    text = f"Good news: *{safe(request.term, 200)}*, which you {why} (request #{request.id}), is now in the glossary."
    return {"text": text, "blocks": [section(text), *card_blocks[:45]]}


def declined_dm(request: TermRequest) -> dict:
    text = (
        f"Your request #{request.id} for *{safe(request.term, 200)}* was declined by the glossary reviewers.\n"
        f"*Their reason:* {safe(request.resolution, 2500)}"
    )
    return {"text": text, "blocks": [section(text)]}


def duplicate_dm(request: TermRequest) -> dict:
    text = (
        f"Your request #{request.id} for *{safe(request.term, 200)}* was closed as a duplicate: "
        f"{safe(request.resolution, 2500)}"
    )
    return {"text": text, "blocks": [section(text)]}


def refusal(text: str) -> dict:
    return {"text": text, "blocks": [section(text)]}


STATUS_WORDS = {label.lower(): key for key, label in STATUS_LABELS.items()} | {s: s for s in STATUS_LABELS}
