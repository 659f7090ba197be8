"""`/define browse [category|role]` and its buttons: the core picks and pages, the renderer lists. No Slack I/O."""

from __future__ import annotations

from ...answers.browse import (
    Shelf,
    ShelfKind,
    categories,
    find_shelf,
    page_of,
    roles_with_counts,
    shelf_from,
    shelf_terms,
)
from ...runtime import Runtime
from ..kit.blocks import read_value, safe
from .messages import browse_index, shelf_message


def browse_reply(runtime: Runtime, text: str) -> dict:
    """The index for `/define browse`; the shelf's first page for `/define browse governance`."""
    if not text.strip():
        return index_reply(runtime)
    terms = runtime.glossary.terms.values()
    shelf = find_shelf(terms, runtime.roles, text)
    if shelf is None:
        heading = f"No category or role is called *{safe(text.strip(), 200)}*. Pick one:"
        return index_reply(runtime, heading=heading)
    return shelf_reply(runtime, shelf, 1)


def index_reply(runtime: Runtime, *, heading: str = "") -> dict:
    terms = runtime.glossary.terms.values()
    return browse_index(categories(terms), roles_with_counts(terms, runtime.roles), heading=heading)


def shelf_reply(runtime: Runtime, shelf: Shelf, page: int) -> dict:
    # Lookup counts only order a role's starter pack; a category is alphabetical.
    lookups = runtime.lookup_counts() if shelf.kind is ShelfKind.ROLE else {}
    terms = shelf_terms(runtime.glossary.terms.values(), shelf, lookups)
    return shelf_message(shelf, page_of(terms, page), ranked=bool(lookups))


def picked_reply(runtime: Runtime, kind: str, key: str, page: int = 1) -> dict:
    """A shelf picked from a menu or a page button; the index again if it has gone since (a reload)."""
    shelf = shelf_from(kind, key, runtime.glossary.terms.values(), runtime.roles)
    if shelf is None:
        return index_reply(runtime, heading="That list is no longer in the glossary. Pick another:")
    return shelf_reply(runtime, shelf, page)


def page_reply(runtime: Runtime, value: str | None) -> dict:
    """A Previous or Next button: its value names the shelf and the page."""
    data = read_value(value)
    page = data.get("p")
    return picked_reply(runtime, str(data.get("k", "")), str(data.get("v", "")), page if isinstance(page, int) else 1)
