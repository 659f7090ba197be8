"""What a term link unfolds into. Pure: no Slack I/O.

- classic_unfurl: a compact card (name, status, short definition, review date, a button to the full card) for
  workspaces without Work Objects. An unfurl is seen by everyone in the conversation, so it shows no one's framing.
- term_entity: the same term as a Work Object entity (chat.unfurl's metadata), also the same for everyone.
- flexpane_entity: the entity drawn for one viewer (entity.presentDetails): their framing, their role's takeaway,
  status and review date, and Suggest a change / Request a term, answered by the usual request flow.
"""

from __future__ import annotations

from ...answers.cards import Card
from ...glossary.model import Term
from ..cards.results import request_button
from ..kit import ids
from ..kit.blocks import CONTEXT_MAX, actions, button, context, safe, section
from ..kit.card_state import CardState

ENTITY_TYPE = "slack#/entities/content_item"
DISPLAY_TYPE = "Glossary term"
FIELD_MAX = 2000  # a custom field's text: Slack's 2,000 characters per field


def _facts(card: Card) -> str:
    parts = [f"{card.status_mark} {card.status_label}".strip()]
    if card.term.last_reviewed:
        parts.append(f"reviewed {card.term.last_reviewed}")
    if card.review_due:
        parts.append(card.review_due)
    return safe(" · ".join(parts), CONTEXT_MAX)


def classic_unfurl(card: Card) -> dict:
    t = card.term
    return {
        "blocks": [
            section(f"*{safe(t.term, 150)}*\n{safe(t.short_def, 2800)}"),
            context(_facts(card)),
            actions(button("Open the card", ids.open_term_id(0), CardState(t.slug).encode())),
        ]
    }


def _attributes(term: Term, product: str) -> dict:
    return {
        "title": {"text": term.term[:150]},
        "display_type": DISPLAY_TYPE,
        "display_id": term.slug,
        "product_name": product[:100] or "Glossary",
    }


def _field(key: str, label: str, value: str, *, long: bool = False) -> dict:
    field: dict[str, object] = {"key": key, "label": label, "type": "string", "value": value[:FIELD_MAX]}
    if long:
        field["long"] = True
    return field


def term_entity(card: Card, url: str, posted: str, product: str) -> dict:
    """The Work Object for chat.unfurl: `url` the term's page, `posted` the exact link as written (Slack matches
    the unfurl to it). Plain text in fields: Slack renders entity fields itself, no mrkdwn."""
    t = card.term
    return {
        "entity_type": ENTITY_TYPE,
        "url": url,
        "app_unfurl_url": posted,
        "external_ref": {"id": t.slug, "type": "term"},
        "entity_payload": {
            "attributes": _attributes(t, product),
            "fields": {"description": {"value": t.short_def[:FIELD_MAX], "long": True}},
            "custom_fields": [_field("status", "Status", _status(card))],
        },
    }


def _status(card: Card) -> str:
    words = card.status_label + (f" · {card.review_due}" if card.review_due else "")
    return words + (f" · reviewed {card.term.last_reviewed}" if card.term.last_reviewed else "")


def flexpane_entity(card: Card, url: str, product: str) -> dict:
    """The entity for one viewer: what their card would say, as fields, and the two request buttons."""
    t = card.term
    fields = [_field("status", "Status", _status(card))]
    for framing in card.framings:
        fields.append(_field(f"framing_{framing.value}", framing.label, t.framing(framing), long=True))
    if card.role and card.takeaway:
        fields.append(_field("role", f"For {card.role.name}", card.takeaway, long=True))
    suggest = {"text": "Suggest a change", "action_id": ids.SUGGEST_CHANGE, "value": CardState(t.slug).encode()}
    offer = request_button("")
    request = {"text": "Request a term", "action_id": offer["action_id"], "value": offer["value"]}
    return {
        "entity_type": ENTITY_TYPE,
        "url": url,
        "external_ref": {"id": t.slug, "type": "term"},
        "entity_payload": {
            "attributes": _attributes(t, product),
            "fields": {"description": {"value": t.short_def[:FIELD_MAX], "long": True}},
            "custom_fields": fields,
            "actions": {"primary_actions": [suggest], "overflow_actions": [request]},
        },
    }


def gone(slug: str) -> dict:
    """entity.presentDetails' error when the term has left the glossary since the link was posted."""
    return {
        "status": "custom",
        "custom_title": "Not in the glossary any more",
        "custom_message": f"The term {slug[:100]} is no longer in the glossary.",
    }
