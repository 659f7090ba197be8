"""What each step hands the next step of a workflow: plain strings, no mrkdwn (Workflow Builder shows them as text
and may put them anywhere). Pure: no Slack I/O."""

from __future__ import annotations

from ...answers.cards import Card
from ...glossary.model import Framing
from ...glossary.scan import Found

TEXT_MAX = 4000  # a step's text output: kept well inside a message, where workflows usually send it
LIST_MAX = 50


def framing_text(card: Card) -> str:
    """The framing the card shows; both, labelled, where nobody chose one."""
    if len(card.framings) == 1:
        return card.term.framing(card.framings[0])
    return "\n\n".join(f"{f.label}: {card.term.framing(f)}" for f in card.framings)


def look_up(card: Card, link: str) -> dict[str, str]:
    return {
        "term": card.term.term,
        "short_definition": card.term.short_def[:TEXT_MAX],
        "framing_text": framing_text(card)[:TEXT_MAX],
        "link": link,
    }


def explained(found: list[Found], framing: Framing | None) -> dict[str, object]:
    lines = []
    for f in found[:LIST_MAX]:
        words = f.term.framing(framing) if framing else f.term.short_def
        lines.append(f"{f.term.term}: {words}")
    return {
        "count": len(found),
        "terms": ", ".join(f.term.term for f in found[:LIST_MAX]),
        "explanation": "\n".join(lines)[:TEXT_MAX],
    }
