"""Everything /define answers that is not a term card: choices, suggestions, misses, help, lists."""

from __future__ import annotations

from ...glossary.lookup import LookupResult
from ...glossary.model import Framing, Role
from .. import ids
from ..card_state import CardState
from .blocks import actions, button, context, safe, section, truncate

MAX_CHOICES = 10
TERM_GONE = "That term is no longer in the glossary."  # a button from before a reload removed its term


def _choices(result: LookupResult, framing: Framing | None) -> list[dict]:
    return [
        section(
            f"*{safe(m.term.term, 150)}*: {safe(m.term.short_def, 600)}",
            button("Show", ids.open_term_id(i), CardState(m.term.slug, framing).encode()),
        )
        for i, m in enumerate(result.matches[:MAX_CHOICES])
    ]


HEADINGS = {
    "choice": "*{q}* could mean more than one term. Which one?",
    "matching_definitions": "No term is called *{q}*. These definitions match your words:",
    "did_you_mean": "No term is called *{q}*. Did you mean:",
}


def lookup_message(result: LookupResult, framing: Framing | None = None) -> dict:
    """Ambiguous, suggestions or miss."""
    if result.offer not in HEADINGS:
        return miss_message(result.query)
    head = HEADINGS[result.offer].format(q=safe(result.query.strip(), 200))
    blocks = [section(head), *_choices(result, framing)]
    if result.status == "suggestions":
        blocks.append(actions(request_button(result.query)))
    return {"text": truncate(head, 2000), "blocks": blocks}


def request_button(query: str) -> dict:
    """Opens the request modal prefilled with what was typed."""
    return button("Request this term", ids.REQUEST_TERM, {"t": query.strip()[:100]})


def miss_message(query: str) -> dict:
    shown = safe(query.strip(), 200) or "that"
    text = f"No term matches *{shown}* in the glossary yet."
    return {
        "text": text,
        "blocks": [
            section(text),
            context(
                "Try another spelling, an acronym, or `/define search &lt;words&gt;` to look through the definitions."
            ),
            # Issue 8: a miss is no dead end (a plain miss used to show no button at all).
            actions(request_button(query)),
        ],
    }


def search_message(query: str, result: LookupResult) -> dict:
    if not result.matches:
        return miss_message(query)
    head = f"Terms matching *{safe(query, 200)}*:"
    return {"text": head, "blocks": [section(head), *_choices(result, None)]}


def help_message(roles: dict[str, Role], topic: str = "") -> dict:
    role_keys = ", ".join(f"`{r.key}`" for r in roles.values())
    text = (
        "*Look up a term*\n"
        "`/define fine-tuning`  ·  `/define RAG exec`  ·  `/define engineer lora`\n"
        "Framing words: `exec`, `execs`, `executive`, `leadership`, `business` for the executive framing; "
        "`engineer`, `eng`, `technical`, `dev` for the engineering one. Put them first or last.\n\n"
        "*Search the definitions*\n`/define search make a model smaller`\n\n"
        "*Missing a term?*\n`/define request vibe coding` opens a short form; the glossary reviewers answer within "
        "five business days. `/define my requests` shows yours.\n\n"
        "*Your defaults*\n`/define set exec` or `/define set engineer` picks the framing you see first. "
        f"`/define set role legal` adds your role's takeaway to every card (roles: {role_keys}). "
        "`/define set clear` forgets both.\n\n"
        "*In a thread or a DM*\nMention me: `@glossary what is RAG?`, "
        "`@glossary explain hallucination to an engineer`. "
        "In a DM just type the term.\n\n"
        'A term named like a command (help, search, set, request, requests, my): put it in quotes, `/define "search"`.'
    )
    blocks = [section(text)]
    if topic == "set":
        blocks.insert(0, section("I didn't understand that `set`. Try `/define set exec` or `/define set role legal`."))
    return {"text": "How to use /define", "blocks": blocks}


def notice(text: str) -> dict:
    """A one-line confirmation; `text` is already safe mrkdwn."""
    return {"text": text, "blocks": [section(text)]}
