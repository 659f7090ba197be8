"""The input blocks and options the request modals are made of. Every input holds one element, INPUT."""

from __future__ import annotations

from typing import Any

from . import blocks, ids
from .blocks import OPTION_MAX, plain, truncate

MODAL_TITLE = 24
TEXT_MAX = 3000


def input_block(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str = "") -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(
    *, initial: str = "", multiline: bool = False, max_length: int = TEXT_MAX, placeholder: str = ""
) -> dict:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.INPUT,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def option(text: str, value: str) -> dict:
    """One option of a select, checkboxes or radio buttons (terms, requests), cut at a word like a button label."""
    return blocks.option(truncate(text, OPTION_MAX), value)


def element_state(view: dict, block_id: str) -> dict:
    """The submitted state of one input's element; {} when the submission lacks it or is not shaped like
    Slack's (a tampered or stale submission then reads as an empty field, which the modal already refuses)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    block = values.get(block_id) if isinstance(values, dict) else None
    element = block.get(ids.INPUT) if isinstance(block, dict) else None
    return element if isinstance(element, dict) else {}


def typed_value(view: dict, block_id: str) -> str:
    """What was typed into a text input, or "" when left empty."""
    value = element_state(view, block_id).get("value")
    return value if isinstance(value, str) else ""


def chosen_values(view: dict, block_id: str) -> list[str]:
    """The values picked in a select, checkboxes or radio buttons, in order."""
    element = element_state(view, block_id)
    options = element.get("selected_options") or (
        [element["selected_option"]] if element.get("selected_option") else []
    )
    if not isinstance(options, list):
        return []
    return [o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]
