"""An answer as a message: a card, a comparison, or what was found instead. Pure, no Slack I/O."""

from __future__ import annotations

from functools import lru_cache

from ...answers.cards import Card
from ...glossary.model import Framing
from ...runtime import Answer
from .card import card_message
from .comparison import comparison_message
from .results import lookup_message


def answer_message(answer: Answer, *, public: bool, asked: str = "", framing: Framing | None = None) -> dict:
    """A card, a comparison, or what was found instead. Request this term is prefilled with the words
    asked about (`Answer.asked`, else `asked`): without a question's frame, nor a framing word that was
    not the term. `framing` is the one to use when the answer carries none."""
    framing = answer.framing or framing
    if answer.card:
        return rendered_card(answer.card, public=public)
    if answer.result.compared:
        return comparison_message(answer.result, framing)
    return lookup_message(answer.result, framing, asked=answer.asked or asked)


# A card model is a frozen value (term, framings, role, …): equal cards render to equal messages, so the
# rendering of the cards asked for most is kept. A new glossary version brings new Term values, which
# are new keys; old ones age out. About 10 KB each: 256 hold the cards asked for most (lookup.ANSWERS_KEPT).
_render = lru_cache(maxsize=256)(card_message)


def rendered_card(card: Card, *, public: bool = False) -> dict:
    """card_message(card), rendered once per distinct card; a fresh outer dict and list for each caller."""
    message = _render(card, public=public)
    return {**message, "blocks": list(message["blocks"])}
