"""From what someone asked to the message they get back: core call, then renderer. No Slack I/O."""

from __future__ import annotations

from ..ask import Ask
from ..runtime import Runtime
from .browse.replies import browse_reply
from .cards.answers import answer_message
from .cards.results import help_message, search_message
from .kit.blocks import escape
from .kit.messages import notice


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
