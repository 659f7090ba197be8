"""Buttons on cards and results. On a private card they redraw it in place; on a public card they
answer the clicker privately, so nobody changes what everyone else sees. "Share in channel" is answered in
unfurls/sharing.py: it posts the term as a Work Object, which that feature draws."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from ...answers.cards import Reading
from ..kit import ids
from ..kit.blocks import actions, button
from ..kit.card_state import CardState
from ..kit.deps import Deps, Listener, deps_of
from ..kit.messages import TERM_GONE, notice, privately
from .card import card_message


def show(body: dict[str, Any], respond: Respond, message: dict[str, Any]) -> None:
    """Replace a private message in place; answer privately under a public one."""
    if (body.get("container") or {}).get("is_ephemeral"):
        respond(replace_original=True, **message)
    else:
        respond(**privately(message))


def redraw(deps: Deps, body: dict[str, Any], respond: Respond, state: CardState | None) -> None:
    """The card as the button describes it; a button names the sense and language it shows when they were
    picked by a click, else the channel and the person's role decide, as on the card it came from."""
    card, runtime = None, deps.runtime
    if state:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or ""
        reading = Reading(channel, state.sense, state.language, domains=deps.domains_of(channel))
        card = runtime.open_term(user, state.slug, framing=state.framing, expanded=state.expanded, reading=reading)
    message = card_message(card, public=False) if card else notice(TERM_GONE)
    if card and state and state.back:  # opened from a browse list: a way back to it
        kind, key, page = state.back
        message["blocks"].append(actions(button("Back to the list", ids.BROWSE_BACK, {"k": kind, "v": key, "p": page})))
    show(body, respond, message)


def open_term(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: Any) -> None:
    """A related term, a choice, the other framing, More or Less: the card as the button describes it."""
    ack()
    runtime = deps_of(context).runtime
    state = CardState.decode(action.get("value"))
    if state and ids.OPEN_TERM_PATTERN.match(action.get("action_id") or ""):
        runtime.record_opened("button", state.slug)  # a term opened by a click: a lookup too
    redraw(deps_of(context), body, respond, state)


def save_framing(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: Any) -> None:
    """ "Always show me this one": store the framing, then show the card with it."""
    ack()
    runtime = deps_of(context).runtime
    state = CardState.decode(action.get("value"))
    if state and state.framing:
        runtime.set_framing(body["user"]["id"], state.framing)
    redraw(deps_of(context), body, respond, state)


LISTENERS: list[Listener] = [
    ("action", ids.OPEN_TERM_PATTERN, open_term),
    ("action", ids.SWITCH_FRAMING, open_term),
    ("action", ids.MORE, open_term),
    ("action", ids.SWITCH_SENSE_PATTERN, open_term),
    ("action", ids.SWITCH_LANGUAGE_PATTERN, open_term),
    ("action", ids.SAVE_FRAMING_PATTERN, save_framing),
]
