"""A comparison ("RAG vs fine-tuning", "difference between X and Y") as Block Kit: both short definitions
side by side, each term's status marked when it is not settled, and each card one click away. Pure."""

from __future__ import annotations

from ...answers.cards import STATUS_MARKS
from ...glossary.lookup import LookupResult
from ...glossary.model import TERM_STATUS_LABELS, Framing, Term, TermStatus
from ..kit import ids
from ..kit.blocks import actions, button, context, mrkdwn, safe, truncate
from ..kit.card_state import CardState

FIELD_MAX = 2000  # Slack's limit for one section field
# Statuses a reader must see before relying on a definition; reviewed and approved ones need no mark.
UNSETTLED = (TermStatus.DRAFT, TermStatus.DEPRECATED)


def _status(term: Term) -> str:
    if term.status not in UNSETTLED:
        return ""
    label = TERM_STATUS_LABELS.get(term.status, term.status)
    return f" · {STATUS_MARKS.get(term.status, '')} _{safe(label, 80)}_"


def _field(term: Term) -> dict:
    head = f"*{safe(term.term, 150)}*{_status(term)}"
    return mrkdwn(f"{head}\n{safe(term.short_def, FIELD_MAX - len(head) - 1)}")


def comparison_message(result: LookupResult, framing: Framing | None = None) -> dict:
    """`result` must be a comparison (`result.compared`); `framing` is the one the asker asked for, which
    the cards opened from here show."""
    compared = result.compared
    if compared is None:
        raise ValueError("comparison_message needs a comparison result")
    first, second = compared
    text = f"{first.term} and {second.term}, side by side"
    buttons = [
        button(truncate(f"Open {term.term}", 75), ids.open_term_id(i), CardState(term.slug, framing).encode())
        for i, term in enumerate(compared)
    ]
    blocks = [
        {"type": "section", "text": mrkdwn(f"*{safe(text, 400)}*"), "fields": [_field(first), _field(second)]},
        actions(*buttons),
        context("Open either card for its framings, examples and related terms."),
    ]
    return {"text": safe(text, 2000), "blocks": blocks}
