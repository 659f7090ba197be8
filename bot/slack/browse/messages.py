"""Browsing as Block Kit: `/define browse` messages, and the pieces the Home tab shares with them
(the category and role menus, a term's one-line row, the page buttons)."""

from __future__ import annotations

from collections.abc import Sequence

from ...answers.browse import Page, Shelf
from ...glossary.model import Role, Term, TermStatus
from ..kit import ids
from ..kit.blocks import OPTION_MAX, actions, button, context, encode_value, escape, option, safe, section, truncate
from ..kit.card_state import CardState

MAX_OPTIONS = 100  # Slack's limit for one select
RANKED_NOTE = " · most looked up first"
SHORT_DEF_MAX = 280  # a row's definition; the card has the whole text
_STATUS_NOTE = {TermStatus.DRAFT: " _(draft)_", TermStatus.DEPRECATED: " _(deprecated)_"}


def term_row(term: Term, accessory: dict) -> dict:
    """One term: its name, a note if it is a draft or deprecated, its short definition, and a button."""
    text = f"*{safe(term.term, 150)}*{_STATUS_NOTE.get(term.status, '')}\n{safe(term.short_def, SHORT_DEF_MAX)}"
    return section(text, accessory)


def count_label(name: str, count: int) -> str:
    """`Governance & Risk (37)`, the name cut so that the count always shows within an option's 75 characters."""
    suffix = f" ({count})"
    return truncate(name, OPTION_MAX - len(suffix)) + suffix


def category_select(action_id: str, categories: Sequence[tuple[str, int]], chosen: str | None = None) -> dict:
    options = [option(count_label(name, count), category_value(name)) for name, count in categories[:MAX_OPTIONS]]
    return _select(action_id, "Browse a category", options, category_value(chosen) if chosen else None)


def category_value(name: str) -> str:
    """A category's name as a menu value, with < and > as entities so no `<!channel>` travels in a payload."""
    return escape(name)


def category_from_value(value: str) -> str:
    """The name category_value wrote (entities back to characters, &amp; last)."""
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def role_select(action_id: str, roles: Sequence[tuple[Role, int]], chosen: str | None = None) -> dict:
    options = [option(count_label(role.name, count), role.key) for role, count in roles[:MAX_OPTIONS]]
    return _select(action_id, "A role's starter pack", options, chosen)


def _select(action_id: str, placeholder: str, options: list[dict], chosen: str | None) -> dict:
    select: dict = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": {"type": "plain_text", "text": placeholder, "emoji": True},
        "options": options or [option("(none yet)", "-")],
    }
    initial = next((o for o in options if o["value"] == chosen), None)
    if initial:
        select["initial_option"] = initial
    return select


def shelf_value(shelf: Shelf, page: int) -> dict:
    """What a page button carries: the shelf and the page it shows. A category's full name fits (2,000 characters)."""
    return {"k": shelf.kind.value, "v": shelf.key[:1500], "p": page}


def page_buttons(page: Page, previous_id: str, next_id: str, value: dict, *extra: dict) -> dict | None:
    """Previous and Next for a paged list (each carries the page it shows), with any extra buttons after."""
    buttons = list(extra)
    if page.has_previous:
        buttons.insert(0, button("◀ Previous", previous_id, encode_value({**value, "p": page.number - 1})))
    if page.has_next:
        buttons.insert(
            1 if page.has_previous else 0, button("Next ▶", next_id, encode_value({**value, "p": page.number + 1}))
        )
    return actions(*buttons) if buttons else None


def page_note(page: Page, noun: str = "term") -> str:
    total = f"{page.total} {noun}{'s' if page.total != 1 else ''}"
    return total if page.pages == 1 else f"{total} · page {page.number} of {page.pages}"


# --- /define browse --------------------------------------------------------------------------------


def browse_index(
    categories: Sequence[tuple[str, int]], roles: Sequence[tuple[Role, int]], *, heading: str = ""
) -> dict:
    """Every category and role with how many terms each has, and the two menus that open one."""
    head = heading or "*Browse the glossary* by category, or by role for a starter pack:"
    category_lines = [f"• {safe(name, 200)} · {count}" for name, count in categories]
    role_lines = [f"• {safe(role.name, 200)} (`{escape(role.key)}`) · {count}" for role, count in roles]
    blocks = [section(head)]
    blocks += _listing("*Categories*", category_lines)
    blocks += _listing("*Roles*", role_lines)
    blocks.append(actions(category_select(ids.BROWSE_CATEGORY, categories), role_select(ids.BROWSE_ROLE, roles)))
    blocks.append(context("Or type `/define browse governance` or `/define browse legal`."))
    return {"text": "Browse the glossary", "blocks": blocks}


def _listing(title: str, lines: list[str]) -> list[dict]:
    """A titled list in sections of at most 3,000 characters; at most 20 sections, however long the glossary."""
    if not lines:
        return [section(f"{title}: none yet.")]
    blocks, chunk = [], [title]
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    return blocks[:20]


def shelf_message(shelf: Shelf, page: Page[Term], *, ranked: bool = False) -> dict:
    """One page of a shelf: each term with its short definition and a button that opens its card.
    `ranked`: ordered by lookups (a role's starter pack once there are any), which the title says."""
    title = f"*{safe(shelf.title, 300)}* · {page_note(page)}" + (RANKED_NOTE if ranked else "")
    blocks = [section(title)]
    if not page.items:
        blocks.append(section("No terms here yet."))
    for index, term in enumerate(page.items):
        opened = CardState(term.slug, back=(shelf.kind.value, shelf.key[:1500], page.number))
        blocks.append(term_row(term, button("Open", ids.open_term_id(index), opened.encode())))
    back = button("All categories and roles", ids.BROWSE_INDEX)
    nav = page_buttons(page, ids.BROWSE_PREVIOUS, ids.BROWSE_NEXT, shelf_value(shelf, page.number), back)
    if nav:
        blocks.append(nav)
    return {"text": safe(f"{shelf.title}: {page_note(page)}", 2000), "blocks": blocks}
