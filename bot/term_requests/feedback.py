"""A 👎 on a term card, as the change request the reviewers get: what was wrong with the card, in words."""

from __future__ import annotations

from collections.abc import Sequence

from ..glossary.model import Term
from .rules import TEXT_MAX, RequestForm, RequestKind

# What the 👎 form offers to tick, in its order.
REASONS = {
    "wrong": "Wrong",
    "unclear": "Unclear",
    "outdated": "Outdated",
    "missing": "Missing something",
}
NEEDS_A_REASON = "Tick what's wrong, or write a note for the reviewers."


def feedback_request(term: Term, reasons: Sequence[str], note: str) -> RequestForm:
    """A change request about `term`, filed like "Suggest a change"; its `why` says what the reader ticked."""
    ticked = [REASONS[r] for r in REASONS if r in reasons]
    why = "Marked not helpful on the card"
    why += f": {', '.join(t.lower() for t in ticked)}." if ticked else "."
    if note.strip():
        why += f"\n{note.strip()}"
    return RequestForm(term=term.term, why=why[:TEXT_MAX], kind=RequestKind.CHANGE, linked_slug=term.slug)


def feedback_problems(reasons: Sequence[str], note: str) -> str:
    """Empty when the form says something; else what to ask for."""
    return "" if any(r in REASONS for r in reasons) or note.strip() else NEEDS_A_REASON
