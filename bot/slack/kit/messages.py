"""The answers every feature gives in the same shape: a one-line notice, and a reply only its asker sees."""

from __future__ import annotations

from .blocks import plain, section
from .inputs import MODAL_TITLE

TERM_GONE = "That term is no longer in the glossary."  # a button from before a reload removed its term


def notice(text: str) -> dict:
    """A one-line confirmation; `text` is already safe mrkdwn."""
    return {"text": text, "blocks": [section(text)]}


def privately(message: dict) -> dict:
    """A reply under the message that only the person who asked sees; the message itself stays as it was."""
    return {"response_type": "ephemeral", "replace_original": False, **message}


def notice_modal(text: str) -> dict:
    """A one-line answer to a click where there is no message to answer under (the Home); `text` is safe mrkdwn."""
    return {
        "type": "modal",
        "title": plain("Glossary", MODAL_TITLE),
        "close": plain("Close", MODAL_TITLE),
        "blocks": [section(text)],
    }
