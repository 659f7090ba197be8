"""From what someone asked to the message they get back: core call, then renderer. No Slack I/O."""

from __future__ import annotations

from functools import lru_cache

from ..answers.ask import Ask
from ..answers.cards import Card
from ..glossary.model import Framing
from ..runtime import Answer, Runtime
from .browse_replies import browse_reply
from .render.blocks import escape
from .render.card import card_message
from .render.comparison import comparison_message
from .render.results import help_message, lookup_message, notice, search_message


def privately(message: dict) -> dict:
    """A reply under the message that only the person who asked sees; the message itself stays as it was."""
    return {"response_type": "ephemeral", "replace_original": False, **message}


def reply_for(runtime: Runtime, user_id: str, ask: Ask, *, public: bool = False, surface: str = "slash") -> dict:
    """`surface` ("slash", "mention", "dm") is what the lookup analytics record beside the query: never who asked."""
    if ask.action == "search":
        found = runtime.glossary.search(ask.text)
        runtime.record_lookup(surface, ask.text, found)
        return search_message(ask.text, found)
    if ask.action == "browse":
        return browse_reply(runtime, ask.text)
    if ask.action == "set_framing" and ask.framing:
        runtime.set_framing(user_id, ask.framing)
        return notice(
            f"Done: your cards now show the *{ask.framing.label.lower()}* framing. "
            "Each card still has a button for the other one."
        )
    if ask.action == "set_role":
        role = runtime.set_role(user_id, ask.text)
        if role is None:
            known = ", ".join(f"`{r.key}`" for r in runtime.roles.values())
            return notice(f"I don't know the role *{escape(ask.text)}*. Pick one of {known}.")
        return notice(f"Done: your cards now end with the takeaway for *{escape(role.name)}*.")
    if ask.action == "clear":
        runtime.clear_preferences(user_id)
        return notice("Done: your cards show both framings again, with no role takeaway.")
    if ask.action == "define":
        answer = runtime.define(user_id, ask)
        runtime.record_lookup(surface, answer.result.query, answer.result)
        return answer_message(answer, public=public, asked=ask.text, framing=ask.framing)
    return help_message(runtime.roles, ask.text)


def question_reply(runtime: Runtime, user_id: str, text: str, *, surface: str) -> dict:
    """A mention or a DM that asks about a term: `Runtime.ask`, the function behind `python -m bot ask`, so
    Slack and the command line give the same answer. Recorded once, as the words asked about."""
    answer = runtime.ask(user_id, text)
    runtime.record_lookup(surface, answer.asked, answer.result)
    return answer_message(answer, public=True)


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
# are new keys; old ones age out. About 10 KB each.
_render = lru_cache(maxsize=1024)(card_message)


def rendered_card(card: Card, *, public: bool = False) -> dict:
    """card_message(card), rendered once per distinct card; a fresh outer dict and list for each caller."""
    message = _render(card, public=public)
    return {**message, "blocks": list(message["blocks"])}
