"""The reviewers' modals: a decline's reason, and the pick of what a request duplicates or shipped as.
Builders and readers together, so each block id is written and read in this one file."""

from __future__ import annotations

import json

from ...glossary.model import Term
from ...term_requests.rules import TermRequest
from ..kit import ids
from ..kit.blocks import plain, read_value, safe, section
from ..kit.inputs import MODAL_TITLE, chosen_values, input_block, option, text_input, typed_value

MAX_OPTIONS = 100


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
            input_block(
                ids.DECLINE_REASON,
                "Reason",
                text_input(
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
            input_block(
                ids.DUPLICATE_TARGET if duplicate else ids.PUBLISHED_TERM,
                "The request or term it repeats" if duplicate else "The glossary term",
                element,
            ),
        ],
    }


def modal_for(operation: str, request: TermRequest) -> dict | None:
    """The modal a triage button opens first (a decline asks why; duplicate and published ask what), or None."""
    meta = {"r": request.id}
    if operation == "declined":
        return reason_modal(request, meta)
    if operation in ("duplicate", "published"):
        return pick_modal(request, meta, duplicate=operation == "duplicate")
    return None


# --- reading them back ------------------------------------------------------------------------------


MAX_REQUEST_NUMBER = 2**31 - 1  # PostgreSQL's integer: a bigger number cannot be a request, only a tampered button


def request_number(text: object) -> int | None:
    """The request number a button value or modal metadata carries, or None for anything that is not one
    (tampered, huge, negative, another type): the listener then answers privately instead of failing."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        return None
    digits = str(text).strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 10):
        return None
    number = int(digits)
    return number if 0 < number <= MAX_REQUEST_NUMBER else None


def request_of(view: dict | None) -> int | None:
    """The request a triage modal is about, as its builder wrote it into private_metadata."""
    return request_number(read_value((view or {}).get("private_metadata")).get("r"))


def first_input(view: dict) -> str:
    """Where a refusal shows when it concerns the whole modal."""
    blocks = view.get("blocks")
    inputs = [b for b in blocks if isinstance(b, dict) and b.get("type") == "input"] if isinstance(blocks, list) else []
    found = [b.get("block_id") for b in inputs]
    return next((b for b in found if isinstance(b, str) and b), ids.DECLINE_REASON)


def reason(view: dict) -> str:
    return typed_value(view, ids.DECLINE_REASON).strip()


def _picked(view: dict, block_id: str) -> str:
    chosen = chosen_values(view, block_id)
    return chosen[0] if chosen else ""


def duplicate_pick(view: dict) -> tuple[int | None, str | None]:
    """(request number, None) or (None, term slug): what the reviewer says this request repeats."""
    kind, _, ref = _picked(view, ids.DUPLICATE_TARGET).partition(":")
    if kind == "request":
        return request_number(ref), None
    return None, ref if kind == "term" else None


def published_slug(view: dict) -> str:
    return _picked(view, ids.PUBLISHED_TERM)


# --- the external selects' options ------------------------------------------------------------------


def term_options(terms: list[Term], *, prefix: str = "") -> list[dict]:
    return [option(t.term, prefix + t.slug) for t in terms]


def target_option_groups(requests: list[TermRequest], terms: list[Term]) -> list[dict]:
    """The duplicate picker: open requests first, then glossary terms, each value saying which it is."""
    groups = []
    if requests:
        groups.append(
            {
                "label": {"type": "plain_text", "text": "Open requests"},
                "options": [option(f"#{r.id} {r.term}", f"request:{r.id}") for r in requests[:50]],
            }
        )
    if terms:
        label = {"type": "plain_text", "text": "Glossary terms"}
        groups.append({"label": label, "options": term_options(terms, prefix="term:")})
    return groups
