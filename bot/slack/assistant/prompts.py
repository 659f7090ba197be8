"""The suggested prompts the agent DM opens with, chosen for the person's role. Pure: no Slack I/O.

Slack shows up to four; each has a title (what is shown) and a message (what is sent when clicked). Every
message is one the DM answers from the glossary alone: a question, the explain prompt, a browse, what changed.
"""

from __future__ import annotations

from ...glossary.model import Role, Term
from .viewing import Viewing

TITLE = "Ask the glossary"
CHANGED = "What changed in the glossary this week?"
EXPLAIN_HERE = "Explain the terms in this channel"
PROMPT_MAX = 75  # kept short: Slack shows prompts as one-line chips


def example_term(terms: list[Term], role: Role | None) -> Term | None:
    """A term worth asking about: the first of the role's starter pack by name, else the first term by name."""
    ordered = sorted(terms, key=lambda t: t.term.lower())
    if role is not None:
        for term in ordered:
            if role.key in term.roles:
                return term
    return ordered[0] if ordered else None


def opening_prompts(terms: list[Term], role: Role | None, viewing: Viewing | None = None) -> list[dict[str, str]]:
    prompts = []
    example = example_term(terms, role)
    if example is not None:
        question = f"What does {example.term} mean?"[:PROMPT_MAX]
        prompts.append({"title": question, "message": question})
    explain = viewing.prompt_message() if viewing else EXPLAIN_HERE
    prompts.append({"title": EXPLAIN_HERE, "message": explain})
    pack = f"browse {role.key}" if role else "browse"
    title = f"My role's starter pack ({role.name})"[:PROMPT_MAX] if role else "Starter packs by role"
    prompts.append({"title": title, "message": pack})
    prompts.append({"title": CHANGED, "message": CHANGED})
    return prompts
