"""The menus and page buttons of a `/define browse` message. A private list turns its page in place
(response_url, replace_original); under a public one (a mention's answer) the clicker gets the page privately.
`/define browse` itself is answered by the command listener, through replies.reply_for."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from ...answers.browse import ShelfKind
from ..cards import explain
from ..cards.buttons import show
from ..kit import ids
from ..kit.blocks import read_value
from ..kit.deps import Listener, deps_of
from .messages import category_from_value
from .replies import index_reply, page_reply, picked_reply


def _selected(action: dict[str, Any]) -> str:
    return str((action.get("selected_option") or {}).get("value") or "")


def pick_category(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    show(
        body,
        respond,
        picked_reply(deps_of(context).runtime, ShelfKind.CATEGORY, category_from_value(_selected(action))),
    )


def pick_role(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    show(body, respond, picked_reply(deps_of(context).runtime, ShelfKind.ROLE, _selected(action)))


def turn_page(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: Any) -> None:
    """Previous or Next: the button's value names the shelf and the page it shows. A card's Back names the list it
    was opened from: a shelf's page, or the terms an Explain list named."""
    ack()
    runtime, value = deps_of(context).runtime, action.get("value")
    data = read_value(value)
    if data.get("k") == explain.BACK_KIND:
        terms = [t for slug in str(data.get("v") or "").split(",") if (t := runtime.glossary.get(slug))]
        show(body, respond, explain.explained_again(terms, runtime.preferred(body["user"]["id"])[0]))
        return
    show(body, respond, page_reply(runtime, value))


def back_to_index(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    show(body, respond, index_reply(deps_of(context).runtime))


LISTENERS: list[Listener] = [
    ("action", ids.BROWSE_CATEGORY, pick_category),
    ("action", ids.BROWSE_ROLE, pick_role),
    ("action", ids.BROWSE_PREVIOUS, turn_page),
    ("action", ids.BROWSE_NEXT, turn_page),
    ("action", ids.BROWSE_INDEX, back_to_index),
    ("action", ids.BROWSE_BACK, turn_page),  # a card's Back: the list it was opened from, at its page
]
