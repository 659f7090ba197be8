"""Browsing the glossary without knowing a term's name: by category, by role, newest first. No Slack here.

A shelf is what someone browses: one category, or one role's starter pack. A role's pack is ordered by how
often its terms are looked up (the lookup analytics' counts), then by name, so a new hire sees first what
colleagues ask about most; with no counts yet it is simply alphabetical.

"Recently added or changed" reads `last_reviewed`, the only date a term file carries: the glossary's scaffold
writes today's date there for a new term and reviewers bump it when they edit one. A bulk bump gives many
terms the same date, so the list is newest date first, then by name, and says how many share the newest date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from ..glossary.model import Role, Term
from ..glossary.names import normalise
from ..glossary.roles import find_role

T = TypeVar("T")

PAGE_SIZE = 10
RECENT_LIMIT = 5


class ShelfKind(StrEnum):
    CATEGORY = "category"
    ROLE = "role"


@dataclass(frozen=True)
class Shelf:
    """One category (key: its name as the glossary writes it) or one role's starter pack (key: the role key)."""

    kind: ShelfKind
    key: str
    title: str


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    number: int  # 1-based, already clamped to the pages there are
    pages: int  # at least 1, even for an empty list
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` of the items; a number past either end (an old button after a reload) shows the nearest page."""
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(tuple(items[start : start + size]), number, pages, len(items))


def _by_name(term: Term) -> tuple[str, str]:
    return (term.term.casefold(), term.slug)


def categories(terms: Iterable[Term]) -> list[tuple[str, int]]:
    """Every category with how many terms it holds, by name. A term counts in each category it lists."""
    counts: dict[str, int] = {}
    for term in terms:
        for category in dict.fromkeys(term.categories):
            counts[category] = counts.get(category, 0) + 1
    return sorted(counts.items(), key=lambda item: item[0].casefold())


def roles_with_counts(terms: Iterable[Term], roles: Mapping[str, Role]) -> list[tuple[Role, int]]:
    """Every known role, in the roles file's order, with how many terms name it."""
    counts = dict.fromkeys(roles, 0)
    for term in terms:
        for key in dict.fromkeys(term.roles):
            if key in counts:
                counts[key] += 1
    return [(role, counts[key]) for key, role in roles.items()]


def category_terms(terms: Iterable[Term], category: str) -> list[Term]:
    return sorted((t for t in terms if category in t.categories), key=_by_name)


def starter_pack(terms: Iterable[Term], role_key: str, lookups: Mapping[str, int]) -> list[Term]:
    """The role's terms, most looked up first, then by name."""
    return sorted((t for t in terms if role_key in t.roles), key=lambda t: (-lookups.get(t.slug, 0), *_by_name(t)))


def shelf_terms(terms: Iterable[Term], shelf: Shelf, lookups: Mapping[str, int]) -> list[Term]:
    if shelf.kind is ShelfKind.ROLE:
        return starter_pack(terms, shelf.key, lookups)
    return category_terms(terms, shelf.key)


@dataclass(frozen=True)
class Recent:
    terms: tuple[Term, ...]
    newest: str  # the newest last_reviewed date, "" when no term has one
    sharing_newest: int  # how many terms carry that date (a bulk bump makes it large)


def recent(terms: Iterable[Term], limit: int = RECENT_LIMIT) -> Recent:
    """Terms by last_reviewed, newest first, then by name. Terms without a date are left out: nothing says when."""
    dated = sorted((t for t in terms if t.last_reviewed), key=_by_name)
    dated.sort(key=lambda t: t.last_reviewed, reverse=True)  # stable: same date stays by name
    if not dated:
        return Recent((), "", 0)
    newest = dated[0].last_reviewed
    return Recent(tuple(dated[:limit]), newest, sum(1 for t in dated if t.last_reviewed == newest))


def find_shelf(terms: Iterable[Term], roles: Mapping[str, Role], text: str) -> Shelf | None:
    """The shelf someone typed: a category's name (any case, `&` or `and`), else a role, else a category
    whose name starts with or contains the words, when only one does. None when nothing or several match."""
    wanted = _key(text)
    if not wanted:
        return None
    names = [name for name, _ in categories(terms)]
    for name in names:
        if _key(name) == wanted:
            return Shelf(ShelfKind.CATEGORY, name, name)
    role = find_role(dict(roles), text)
    if role:
        return role_shelf(role)
    partial = [name for name in names if _key(name).startswith(wanted)] or [n for n in names if wanted in _key(n)]
    if len(partial) == 1:
        return Shelf(ShelfKind.CATEGORY, partial[0], partial[0])
    return None


def role_shelf(role: Role) -> Shelf:
    return Shelf(ShelfKind.ROLE, role.key, f"Starter pack: {role.name}")


def shelf_from(kind: str, key: str, terms: Iterable[Term], roles: Mapping[str, Role]) -> Shelf | None:
    """A shelf named by a button or a select (kind and key as written there); None if it no longer exists."""
    if kind == ShelfKind.ROLE and key in roles:
        return role_shelf(roles[key])
    if kind != ShelfKind.CATEGORY or not key:
        return None
    names = {name for t in terms for name in t.categories}
    # A menu may carry a long name cut short: then the one category it begins is meant.
    found = [key] if key in names else [name for name in names if name.startswith(key)]
    return Shelf(ShelfKind.CATEGORY, found[0], found[0]) if len(found) == 1 else None


def _key(text: str) -> str:
    return normalise(text.replace("&", " and ")).replace(" and ", " ").replace("-", " ")
