"""The card's "Share in channel": the term posted for everyone, as the same Work Object a term link unfurls into.

Where Work Objects are on (UNFURL_WORK_OBJECTS, and GLOSSARY_URL gives the entity its page), the outbox posts a
chat.postMessage carrying the entity in its metadata (slack_sdk's EventAndEntityMetadata: the outbox's own mark
and the entity side by side). If Slack refuses it (Work Objects off in the workspace, the bot not in the channel),
the outbox posts the classic public card through the click's response_url instead, which works in any channel.
Without Work Objects the classic card goes straight through the response_url, as it always has.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from ...answers.cards import Card, Reading
from ...runtime import Runtime
from ..cards.buttons import show
from ..cards.card import card_message
from ..kit import ids
from ..kit.blocks import context, mention, safe
from ..kit.card_state import CardState
from ..kit.deps import Listener, deps_of
from ..kit.messages import TERM_GONE, notice
from ..outbox.notify import share_entity
from .links import term_page
from .shapes import term_entity


def entity_message(runtime: Runtime, card: Card, user: str) -> dict[str, Any]:
    """The shared message: who shared it, the term's name as text, and the term entity everyone sees."""
    page = term_page(runtime.settings.glossary_url, card.term.slug)
    entity = term_entity(card, page, page, runtime.settings.glossary_name)
    name = safe(card.term.term, 150)
    return {
        "text": f"{mention(user)} shared *{name}*",
        "blocks": [context(f"Shared by {mention(user)}: *{name}*")],
        "metadata": {"entities": [entity]},
    }


def share(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    runtime = deps_of(context).runtime
    state = CardState.decode(action.get("value"))
    user = body["user"]["id"]
    # Shared as the person sees it: the sense and language their card shows, in this channel.
    channel = (body.get("channel") or {}).get("id") or ""
    domains = deps_of(context).domains_of(channel)
    reading = Reading(channel, state.sense, state.language, domains=domains) if state else None
    card = runtime.open_term(user, state.slug, framing=state.framing, reading=reading) if state else None
    if card is None:
        show(body, respond, notice(TERM_GONE))
        return
    classic: dict[str, Any] = {"response_type": "in_channel", "replace_original": False}
    classic.update(card_message(card, public=True, shared_by=user))
    channel = str((body.get("channel") or {}).get("id") or "")
    response_url = str(body.get("response_url") or "")
    settings = runtime.settings
    if settings.unfurl_work_objects and settings.glossary_url and channel and response_url:
        fallback = {"response_url": response_url, "message": classic}
        share_entity(runtime.outbox, channel, entity_message(runtime, card, user), fallback=fallback)
    else:
        # response_url posts even where the bot is not a channel member.
        respond(**classic)
    if (body.get("container") or {}).get("is_ephemeral"):
        respond(delete_original=True)  # the private copy goes once the public one is on its way


LISTENERS: list[Listener] = [("action", ids.SHARE, share)]
