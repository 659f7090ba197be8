"""A term card as Block Kit: the card model from bot.answers.cards, rendered for Slack."""

from __future__ import annotations

from dataclasses import replace

from ...answers.cards import Card
from ...glossary.model import RELATION_KINDS, Framing
from ..kit import ids
from ..kit.blocks import (
    BUTTON_MAX,
    CONTEXT_MAX,
    HEADER_MAX,
    actions,
    button,
    context,
    escape,
    link,
    mention,
    plain,
    safe,
    section,
    truncate,
)
from ..kit.card_state import CardState
from .helpful import feedback_block
from .terminology import terminology_blocks

MAX_RELATED_BUTTONS = 20


def card_state(card: Card) -> CardState:
    """What a button on this card needs to redraw it: term, framing shown, expanded or not."""
    sense = card.sense.sense.key if card.sense and card.sense.why == "asked" else ""
    return CardState(card.term.slug, card.single_framing, card.expanded, sense, card.language if card.languages else "")


def card_message(card: Card, *, public: bool = False, shared_by: str | None = None) -> dict:
    t = card.term
    return {
        "text": safe(f"{t.term}: {t.short_def}", 2000),
        "blocks": card_blocks(card, public=public, shared_by=shared_by),
    }


def card_blocks(card: Card, *, public: bool = False, shared_by: str | None = None) -> list[dict]:
    t = card.term
    blocks: list[dict] = [
        {"type": "header", "text": plain(t.term, HEADER_MAX)},
        context(_facts(card)),
    ]
    blocks += terminology_blocks(card, card_state(card))
    if t.status == "deprecated":
        blocks.append(section("⚠️ *Deprecated.* This term is kept for reference; do not use it in new work."))
    elif t.status == "draft":
        blocks.append(section("📝 *Draft.* Not reviewed yet: check with the glossary owners before relying on it."))
    blocks.append(section(safe(t.short_def)))
    for framing in card.framings:
        blocks.append(_framing_section(card, framing))
    if card.role and card.takeaway:
        blocks.append(context(f"*For {safe(card.role.name, 200)}:* {safe(card.takeaway, 1500)}"))
    if card.expanded:
        blocks += _more_blocks(card)
    blocks += _related_blocks(card)
    if t.citations:
        sources = " · ".join(link(c.url, c.source) for c in t.citations[:10])
        blocks.append(
            context(truncate("Sources: " + sources, 2900) if len(sources) < 2900 else "Sources: see the glossary")
        )
    blocks.append(actions(*_buttons(card, public)))
    blocks.append(feedback_block(t.slug))  # "Helpful?" 👍 / 👎 on every card, public or private
    footer = [safe(card.attribution, CONTEXT_MAX)] if card.attribution else []
    if card.docs_url.startswith(("https://", "http://")):
        footer.append(link(card.docs_url, "Open the glossary site"))
    if shared_by:
        footer.insert(0, f"Shared by {mention(shared_by)}")
    if footer:
        blocks.append(context(*footer))
    return blocks


def _facts(card: Card) -> str:
    t = card.term
    parts = [t.part_of_speech.replace("_", " "), ", ".join(t.categories), f"{card.status_mark} {card.status_label}"]
    if t.last_reviewed:
        parts.append(f"reviewed {t.last_reviewed}")
    if card.review_due:
        parts.append(card.review_due)
    facts = safe(" · ".join(parts), CONTEXT_MAX - 80)
    if card.verified:
        who, day = card.verified
        facts += f" · Verified by {mention(who)} on {escape(day)}"  # a mention built from a Slack-given id
    return facts


def _framing_section(card: Card, framing: Framing) -> dict:
    text = f"*{framing.label}*\n{safe(card.term.framing(framing), 2900)}"
    accessory = None
    if card.preferred is None:
        # No stored choice yet: one click makes this framing the person's default.
        accessory = button(
            "Always show me this one",
            f"{ids.SAVE_FRAMING}:{framing.value}",
            replace(card_state(card), framing=framing).encode(),
        )
    return section(text, accessory)


def _more_blocks(card: Card) -> list[dict]:
    t = card.term
    blocks = [section("*In depth*\n" + safe(t.long_def, 2900))]
    do = "\n".join(f"• {safe(x, 600)}" for x in t.examples_do[:4])
    dont = "\n".join(f"• {safe(x, 600)}" for x in t.examples_dont[:4])
    blocks.append(section(truncate(f"*Do*\n{do}\n*Don't*\n{dont}", 3000)))
    facts = []
    if t.aliases:
        facts.append("*Also called:* " + safe(", ".join(t.aliases), 900))
    if t.nist_tags:
        facts.append("*NIST AI RMF:* " + safe(", ".join(t.nist_tags), 500))
    if t.risk_notes:
        facts.append("*Risk notes:* " + safe(t.risk_notes, 1400))
    if facts:
        blocks.append(section("\n".join(facts)))
    return blocks


def _related_blocks(card: Card) -> list[dict]:
    """Each related term once, as a button under its kind. A term in the glossary opens its card; a name
    the glossary lacks yet opens the request form prefilled with that name."""
    blocks: list[dict] = []
    shown: set[str] = set()
    opened = requested = 0
    for kind in RELATION_KINDS:
        buttons = []
        for r in card.related:
            key = r.slug or "name:" + r.name.casefold()
            if r.kind != kind or key in shown or r.slug == card.term.slug or len(shown) >= MAX_RELATED_BUTTONS:
                continue
            shown.add(key)
            if r.slug:
                state = CardState(r.slug, card.single_framing).encode()
                buttons.append(button(truncate(r.name, BUTTON_MAX), ids.open_term_id(opened), state))
                opened += 1
            else:
                buttons.append(button(f"Request: {r.name}", ids.request_term_id(requested), {"t": r.name[:100]}))
                requested += 1
        if buttons:
            blocks += [context(f"*{kind.capitalize()}*"), actions(*buttons)]
    if requested:
        blocks.append(context("_Request:_ names a term the glossary does not have yet; click to ask for it."))
    return blocks


def _buttons(card: Card, public: bool) -> list[dict]:
    state = card_state(card)
    out = []
    if card.single_framing:
        other = card.single_framing.other()
        out.append(button(f"Show {other.label.lower()}", ids.SWITCH_FRAMING, replace(state, framing=other).encode()))
    if not public:
        out.append(button("Share in channel", ids.SHARE, state.encode(), style="primary"))
    toggled = replace(state, expanded=not card.expanded)
    out.append(button("Less" if card.expanded else "More", ids.MORE, toggled.encode()))
    if card.expanded:
        out.append(button("Suggest a change", ids.SUGGEST_CHANGE, CardState(card.term.slug).encode()))
    return out
