"""Buttons on cards and results. On a private card they redraw it in place; on a public card they
answer the clicker privately, so nobody changes what everyone else sees."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from ...glossary.model import Framing
from ...runtime import Runtime
from .. import ids
from ..render.card import card_message
from ..render.results import notice
from ..render.blocks import read_value


def _framing(value: str | None) -> Framing | None:
    return Framing.parse(value)


def show(body: dict, respond: Respond, message: dict) -> None:
    """Replace a private message in place; answer privately under a public one."""
    if (body.get("container") or {}).get("is_ephemeral"):
        respond(replace_original=True, **message)
    else:
        respond(response_type="ephemeral", replace_original=False, **message)


def register(app: App, runtime: Runtime) -> None:
    def redraw(body: dict, respond: Respond, state: dict, *, framing: Framing | None = None) -> None:
        user = body["user"]["id"]
        card = runtime.open_term(user, state.get("s", ""), framing=framing, expanded=bool(state.get("x")))
        if card is None:
            show(body, respond, notice("That term is no longer in the glossary."))
            return
        show(body, respond, card_message(card, public=False))

    @app.action(ids.OPEN_TERM_PATTERN)
    @app.action(ids.SWITCH_FRAMING)
    @app.action(ids.MORE)
    def open_term(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        state = read_value(action.get("value"))
        redraw(body, respond, state, framing=_framing(state.get("f")))

    @app.action(ids.SAVE_FRAMING_PATTERN)
    def save_framing(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        state = read_value(action.get("value"))
        framing = _framing(state.get("f"))
        if framing:
            runtime.set_framing(body["user"]["id"], framing)
        redraw(body, respond, state, framing=framing)

    @app.action(ids.SHARE)
    def share(ack: Ack, body: dict, action: dict, respond: Respond) -> None:
        ack()
        state = read_value(action.get("value"))
        user = body["user"]["id"]
        card = runtime.open_term(user, state.get("s", ""), framing=_framing(state.get("f")), expanded=False)
        if card is None:
            show(body, respond, notice("That term is no longer in the glossary."))
            return
        # response_url posts even where the bot is not a channel member; then the private copy goes.
        respond(response_type="in_channel", replace_original=False, **card_message(card, public=True, shared_by=user))
        if (body.get("container") or {}).get("is_ephemeral"):
            respond(delete_original=True)
