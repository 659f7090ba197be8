""" "Explain glossary terms" on a message: each term it names, in the asker's framing, with a button to its card."""

from __future__ import annotations

from ...glossary.model import Framing, Term
from ...glossary.names import normalise
from ...glossary.scan import Found, Occurrence
from ...glossary.terminology import Usage, UsageNote
from ..kit import ids
from ..kit.blocks import CONTEXT_MAX, actions, button, context, safe, section, truncate
from ..kit.card_state import CardState
from .results import request_button

MAX_BLOCKS = 50  # Slack's limit for a message
MAX_TERMS = MAX_BLOCKS - 2  # the heading, and the "…and N more" line
MAX_FLAGS = 10  # labels flagged in one note; a message with more is not a message anyone will rewrite
NONE_FOUND = "I found no glossary terms in that message."
# A card opened from the list carries the list's terms, so its Back button (the browse list's, kit/card_state's
# `back`) can draw the list again: no message text is kept anywhere. A list too long to carry gets no Back.
BACK_KIND = "explain"
BACK_KEY_MAX = 1500


def explain_message(found: list[Found], framing: Framing | None, discouraged: tuple[UsageNote, ...] = ()) -> dict:
    """Terms in order of first appearance; past MAX_TERMS the rest are named in one line, not dropped silently.

    Labels the glossary discourages come first, as a note to the asker (the reply is only ever theirs)."""
    if discouraged:
        message = explain_message(found, framing)
        notes = "\n".join(f"• {_flag(n)}" for n in discouraged[:MAX_FLAGS])
        flagged = section(truncate("*Words we avoid in that message*\n" + notes, 3000))
        return {**message, "blocks": [flagged, *message["blocks"]][:MAX_BLOCKS]}
    if not found:
        return {
            "text": NONE_FOUND,
            "blocks": [
                section(f"{NONE_FOUND} If a word in it should be there, ask the glossary reviewers for it."),
                actions(request_button("")),
            ],
        }
    count = len(found)
    head = f"*{count} glossary term{'s' if count != 1 else ''} in that message*" + (
        f" ({framing.label.lower()})" if framing else ""
    )
    blocks = [section(head)]
    shown = found if count <= MAX_TERMS + 1 else found[:MAX_TERMS]  # one more fits where the line would go
    slugs = ",".join(f.term.slug for f in shown)
    back = (BACK_KIND, slugs, 1) if len(slugs) <= BACK_KEY_MAX else None
    blocks += [_term(f, framing, i, back) for i, f in enumerate(shown)]
    rest = found[len(shown) :]
    if rest:
        names = ", ".join(safe(f.term.term, 100) for f in rest)
        blocks.append(context(truncate(f"…and {len(rest)} more: {names}", CONTEXT_MAX)))
    names = ", ".join(f.term.term for f in found)
    return {"text": truncate(f"Glossary terms in that message: {names}", 2000), "blocks": blocks}


def _flag(note: UsageNote) -> str:
    mark = "🚫" if note.usage is Usage.FORBIDDEN else "⚠️"
    return f"{mark} {safe(note.sentence, 400)}"


def explained_again(terms: list[Term], framing: Framing | None) -> dict:
    """The list a card's Back returns to: the terms it named, each as the glossary writes it."""
    return explain_message([Found(t, t.term, (Occurrence(0, len(t.term), t.term),)) for t in terms], framing)


def _term(found: Found, framing: Framing | None, index: int, back: tuple[str, str, int] | None) -> dict:
    term = found.term
    written = found.occurrences[0].text
    seen = "" if normalise(written) == normalise(term.term) else f" (as “{safe(written, 100)}”)"
    definition = term.framing(framing) if framing and term.framing(framing) else term.short_def
    text = f"*{safe(term.term, 150)}*{seen}: {safe(definition, 2400)}"
    # Numbered like every other list of open-term buttons: one message, distinct action_ids.
    opened = CardState(term.slug, framing, back=back)
    return section(text, button("Open card", ids.open_term_id(index), opened.encode()))
