"""Everything /define answers that is not a term card: choices, suggestions, misses, help, lists."""

from __future__ import annotations

import re

from ...glossary.lookup import LookupResult, Match
from ...glossary.model import Framing, MatchHow, Role
from ..kit import ids
from ..kit.blocks import actions, button, context, safe, section, truncate
from ..kit.card_state import CardState

MAX_CHOICES = 10


def _choices(result: LookupResult, framing: Framing | None, matches: tuple[Match, ...] | None = None) -> list[dict]:
    shown = result.matches if matches is None else matches
    return [
        section(
            f"*{safe(m.term.term, 150)}*: {safe(m.term.short_def, 600)}",
            button("Show", ids.open_term_id(i), CardState(m.term.slug, framing).encode()),
        )
        for i, m in enumerate(shown[:MAX_CHOICES])
    ]


HEADINGS = {
    "choice": "*{q}* could mean more than one term. Which one?",
    "matching_definitions": "No term is called *{q}*. These definitions match your words:",
    "did_you_mean": "No term is called *{q}*. Did you mean:",
    # Found by the meaning lane: a description, not a typo of a name, so not "did you mean".
    "described": "No term is called *{q}*. These terms match what you described:",
}
# A miss's nearest terms in meaning: marked as the glossary's closest, never offered as the answer.
CLOSEST = "Closest in the glossary:"
TRY_ELSE = "Try another spelling, an acronym, or `/define search &lt;words&gt;` to look through the definitions."


def _offer(result: LookupResult) -> str:
    if result.offer == "did_you_mean" and result.how == MatchHow.MEANING:
        return "described"
    return result.offer


def lookup_message(result: LookupResult, framing: Framing | None = None, *, asked: str | None = None) -> dict:
    """Ambiguous, suggestions or miss. A miss and a "did you mean" offer **Request this term**, prefilled with
    `asked`: the words the person asked about, without a question's frame (default: the query looked up)."""
    asked = result.query if asked is None else asked
    offer = _offer(result)
    if offer not in HEADINGS:
        return miss_message(asked or result.query, request=asked, closest=result, framing=framing)
    head = HEADINGS[offer].format(q=safe(result.query.strip(), 200))
    blocks = [section(head), *_choices(result, framing)]
    if result.status == "suggestions" and asked.strip():
        blocks.append(actions(request_button(asked)))
    return {"text": truncate(head, 2000), "blocks": blocks}


def request_button(query: str, action_id: str = ids.REQUEST_TERM, label: str = "Request this term") -> dict:
    """Opens the request modal prefilled with what was typed."""
    return button(label, action_id, {"t": query.strip()[:100]})


def miss_message(
    query: str,
    *,
    request: str | None = None,
    closest: LookupResult | None = None,
    framing: Framing | None = None,
) -> dict:
    """Nothing found: the missing words (never the question around them), the glossary's closest terms in
    meaning when `closest` has any (marked as such, each with Show), and with `request` (what to prefill)
    **Request this term**."""
    shown = safe(query.strip(), 200) or "that"
    text = f"No term matches *{shown}* in the glossary yet."
    blocks = [section(text)]
    if closest is not None and closest.closest:
        blocks += [context(CLOSEST), *_choices(closest, framing, closest.closest)]
    blocks.append(context(TRY_ELSE))
    if request and request.strip():
        blocks.append(actions(request_button(request)))
    return {"text": text, "blocks": blocks}


_THANKS = re.compile(r"\b(?:thanks|thank|thx|ty|tysm|cheers|ta|helped|helpful)\b", re.IGNORECASE)
_BYE = re.compile(r"\b(?:bye|goodbye|cya|night)\b", re.IGNORECASE)


def small_talk_message(text: str) -> dict:
    """A greeting, thanks or an emoji: a friendly line and how to ask, never a miss and never a request."""
    if _THANKS.search(text):
        hello = "You're welcome!"
    elif _BYE.search(text):
        hello = "Bye for now!"
    else:
        hello = "Hi! :wave:"
    line = (
        f"{hello} Ask me about a term and I'll show its card: `/define RAG`, or mention me with a question, "
        "`@glossary what is a context window?`. `/define help` lists the rest."
    )
    return {"text": line, "blocks": [section(line)]}


def search_message(query: str, result: LookupResult) -> dict:
    if not result.matches:
        return miss_message(query)  # search words are not a term name: no request to prefill
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
        "*Browse*\n`/define browse` lists the categories and roles; `/define browse governance` or "
        "`/define browse legal` pages through one. The Glossary app's Home tab has the same, and your defaults.\n\n"
        "*Missing a term?*\n`/define request vibe coding` opens a short form; the glossary reviewers answer within "
        "five business days. `/define my requests` shows yours.\n\n"
        "*For reviewers*\n`/define stats` or `/define stats 7`: what people looked up in the last 30 (or 7) days, "
        "the hit rate, and the most asked terms the glossary lacks. No names are kept.\n\n"
        "*Your defaults*\n`/define set exec` or `/define set engineer` picks the framing you see first. "
        f"`/define set role legal` adds your role's takeaway to every card (roles: {role_keys}). "
        "`/define set clear` forgets both.\n\n"
        "*In a thread or a DM*\nMention me: `@glossary what is RAG?`, "
        "`@glossary explain hallucination to an engineer`. "
        "In a DM just type the term.\n\n"
        "A term named like a command (help, search, set, request, requests, my, browse, stats): "
        'put it in quotes, `/define "search"`.'
    )
    blocks = [section(text)]
    if topic == "set":
        blocks.insert(0, section("I didn't understand that `set`. Try `/define set exec` or `/define set role legal`."))
    return {"text": "How to use /define", "blocks": blocks}
