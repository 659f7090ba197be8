"""What the terminology sidecar adds to a card in Slack: "We say X, not Y", the sense shown and why with the
other senses one click away, and a one-click switch to the other languages the glossary has the term in."""

from __future__ import annotations

from dataclasses import replace

from ...answers.cards import Card
from ...glossary.sidecar import MAIN_SENSE
from ...glossary.terminology import Usage
from ..kit import ids
from ..kit.blocks import BUTTON_MAX, actions, button, context, safe, section, truncate
from ..kit.card_state import CardState

MAX_SWITCHES = 5  # buttons for other senses, and for other languages: a card stays a card

# Names of languages as their speakers write them; a tag not listed shows as the tag.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "nl": "Nederlands",
    "ja": "日本語",
}


def language_name(tag: str) -> str:
    return LANGUAGE_NAMES.get(tag.lower(), LANGUAGE_NAMES.get(tag.split("-")[0].lower(), tag))


def terminology_blocks(card: Card, state: CardState) -> list[dict]:
    blocks: list[dict] = []
    if card.usage:
        mark = "🚫" if card.usage.usage is Usage.FORBIDDEN else "⚠️"
        blocks.append(section(f"{mark} *{safe(card.usage.sentence, 600)}*"))
    if card.sense:
        shown = card.sense
        line = f"*Sense:* {safe(shown.sense.name, 100)} (shown first because {safe(shown.reason, 200)})"
        buttons = [
            button(
                truncate(f"Meaning: {s.name}", BUTTON_MAX),
                f"{ids.SWITCH_SENSE}:{i}",
                replace(state, sense=s.key, language="").encode(),
            )
            for i, s in enumerate(shown.others[:MAX_SWITCHES])
        ]
        blocks += [context(line), actions(*buttons)]
    others = [tag for tag in card.languages if tag != card.language][:MAX_SWITCHES]
    if others:
        sense = MAIN_SENSE if card.sense else ""  # a translation is of the term file's own sense
        buttons = [
            button(
                language_name(tag),
                f"{ids.SWITCH_LANGUAGE}:{i}",
                replace(state, language=tag, sense=sense).encode(),
            )
            for i, tag in enumerate(others)
        ]
        blocks += [actions(*buttons)]
    return blocks
