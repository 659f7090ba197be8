"""list_terms: the glossary's terms filtered by category, role and review status, a page at a time.

Categories and roles are matched the way a person types them: any case, "&" or "and", and by the start of
the name ("retrieval" finds "Retrieval & RAG", "data" finds Data science). The cursor is opaque to the
caller: pass back `next_cursor` for the next page.
"""

from __future__ import annotations

import base64
import binascii

from ..glossary.model import Role, TermStatus
from ..glossary.names import normalise
from ..runtime import Runtime
from .shapes import ListResult, TermSummary
from .tools import BadArgument

PAGE = 50
PAGE_MAX = 200


def _key(text: str) -> str:
    return normalise(text.replace("&", " and ").replace("_", " "))


def matching_categories(categories: list[str], typed: str) -> list[str]:
    """The categories `typed` names: the one it spells whole, else every one whose name starts with it."""
    wanted = _key(typed)
    exact = [c for c in categories if _key(c) == wanted]
    return exact or [c for c in categories if _key(c).startswith(wanted)]


def matching_role(roles: dict[str, Role], typed: str) -> Role:
    """The role `typed` names by key or display name, whole or by its start; one only, or a clear refusal."""
    wanted = _key(typed)
    exact = [r for r in roles.values() if wanted in (_key(r.key), _key(r.name))]
    found = exact or [r for r in roles.values() if _key(r.key).startswith(wanted) or _key(r.name).startswith(wanted)]
    if len(found) == 1 and wanted:
        return found[0]
    names = ", ".join(roles)
    if found:
        raise BadArgument(f"'role' {typed!r} could be {', '.join(r.key for r in found)}; send one of {names}.")
    raise BadArgument(f"'role' must name one of {names}, not {typed!r}.")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"terms:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "terms" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadArgument("'cursor' is not one this server gave; pass next_cursor from the previous page, or omit it.")


def list_terms(
    runtime: Runtime,
    category: str | None = None,
    role: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE,
) -> ListResult:
    glossary = runtime.glossary
    if status is not None and status not in {s.value for s in TermStatus}:
        raise BadArgument(f"'status' must be one of {', '.join(s.value for s in TermStatus)}, not {status!r}.")
    wanted_role = matching_role(runtime.roles, role).key if role and role.strip() else None
    categories = sorted({c for t in glossary.terms.values() for c in t.categories})
    wanted = set(matching_categories(categories, category)) if category and category.strip() else None
    start = decode_cursor(cursor) if cursor else 0
    terms: list[TermSummary] = [
        {"slug": t.slug, "term": t.term, "short_def": t.short_def, "status": t.status.value}
        for t in sorted(glossary.terms.values(), key=lambda t: normalise(t.term))
        if (wanted is None or wanted & set(t.categories))
        and (wanted_role is None or wanted_role in t.roles)
        and (status is None or t.status == status)
    ]
    page = terms[start : start + limit]
    result: ListResult = {"count": len(terms), "terms": page, "categories": categories}
    if wanted is not None:
        result["matched_categories"] = sorted(wanted)
    if wanted_role is not None:
        result["matched_role"] = wanted_role
    if start + limit < len(terms):
        result["next_cursor"] = encode_cursor(start + limit)
    return result
