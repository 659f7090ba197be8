"""The request modal: its builder, its reader and where each field's problem shows. Every block id lives here."""

from __future__ import annotations

import json

from ...term_requests.rules import AUDIENCES, URGENCIES, RequestForm, RequestKind, split_links
from ..kit import ids
from ..kit.blocks import plain, read_value, safe, section
from ..kit.inputs import MODAL_TITLE, chosen_values, input_block, option, text_input, typed_value

# Which modal block shows each field's validation error (rules.validate names the fields).
FIELD_BLOCKS = {
    "term": ids.REQ_TERM, "aliases": ids.REQ_ALIASES, "seen_where": ids.REQ_WHERE, "why": ids.REQ_WHY,
    "audiences": ids.REQ_AUDIENCE, "urgency": ids.REQ_URGENCY, "links": ids.REQ_LINKS,
}  # fmt: skip


def request_modal(
    *, term: str = "", kind: str = RequestKind.NEW, slug: str = "", term_name: str = "", hints: list[dict] | None = None
) -> dict:
    """The request form; `term` prefills what the person typed. A change request names its term. `hints`
    (hints.py: what the glossary and the open requests already have) come above the fields."""
    metadata = json.dumps({"k": kind, "s": slug})
    blocks: list[dict] = list(hints or [])
    if kind == RequestKind.CHANGE:
        blocks.append(section(f"Suggest a change to *{safe(term_name or term, 200)}*. Reviewers see it with the term."))
    blocks += [
        input_block(
            ids.REQ_TERM,
            "Term or phrase",
            text_input(initial=term.strip(), max_length=100, placeholder="e.g. vibe coding"),
        ),
        input_block(
            ids.REQ_ALIASES,
            "Other names or acronyms",
            text_input(max_length=500, placeholder="e.g. RAG, grounding"),
            optional=True,
        ),
        input_block(
            ids.REQ_WHERE,
            "Where you saw it",
            text_input(multiline=True, placeholder="A meeting, a customer call, a policy document…"),
            optional=True,
        ),
        input_block(
            ids.REQ_WHY,
            "Why it matters",
            text_input(multiline=True, placeholder="What were you trying to do when the word got in the way?"),
        ),
        _choices(ids.REQ_AUDIENCE, "Who needs to understand it", "checkboxes", AUDIENCES),
        _choices(ids.REQ_URGENCY, "How soon", "radio_buttons", URGENCIES),
        input_block(
            ids.REQ_LINKS,
            "Helpful links",
            text_input(multiline=True, placeholder="https://…"),
            optional=True,
            hint="One per line, each starting with https://",
        ),
        _choices(
            ids.REQ_ANONYMOUS, "Privacy", "checkboxes", {"anonymous": "Don't show my name in the requests channel"}
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.REQUEST_VIEW,
        "private_metadata": metadata,
        "title": plain("Suggest a change" if kind == RequestKind.CHANGE else "Request a term", MODAL_TITLE),
        "submit": plain("Send request", MODAL_TITLE),
        "close": plain("Cancel", MODAL_TITLE),
        "blocks": blocks,
    }


def _choices(block_id: str, label: str, kind: str, labels: dict[str, str]) -> dict:
    element = {"type": kind, "action_id": ids.INPUT, "options": [option(text, key) for key, text in labels.items()]}
    return input_block(block_id, label, element, optional=True)


def form_from_view(view: dict) -> RequestForm:
    """What the person typed, as typed; the core decides whether it is valid."""
    meta = read_value(view.get("private_metadata"))
    urgency = chosen_values(view, ids.REQ_URGENCY)
    return RequestForm(
        term=typed_value(view, ids.REQ_TERM),
        why=typed_value(view, ids.REQ_WHY),
        kind=meta.get("k") or RequestKind.NEW,
        aliases=typed_value(view, ids.REQ_ALIASES),
        seen_where=typed_value(view, ids.REQ_WHERE),
        audiences=tuple(chosen_values(view, ids.REQ_AUDIENCE)),
        urgency=urgency[0] if urgency else "",
        links=split_links(typed_value(view, ids.REQ_LINKS)),
        anonymous="anonymous" in chosen_values(view, ids.REQ_ANONYMOUS),
        linked_slug=meta.get("s") or None,
    )


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """The core's problems by field, as Slack wants them: by the block that shows each."""
    return {FIELD_BLOCKS[field]: message for field, message in errors.items()}
