"""Role names and their one-line takeaways: data the glossary owner edits (data/roles.yml), not code."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .model import ROLE_KEYS, Problem, Role, Severity
from .side_files import parse_side_file

log = logging.getLogger(__name__)


# A role's name is a button label and its takeaway one line of a card: longer is a mistake, not a role.
NAME_MAX, TAKEAWAY_MAX = 40, 300


def load_roles(path: Path) -> dict[str, Role]:
    """Every known role; a missing or broken file falls back to the role keys, with no takeaways."""
    roles, problems = read_roles(path)
    for problem in problems:
        log.warning("%s", problem)
    return roles


def read_roles(path: Path) -> tuple[dict[str, Role], list[Problem]]:
    """Every known role and what is wrong with the file, each problem with its line. Read by the term files'
    bounded parser, so a few hundred bytes of anchors cannot become a card (or a reply) of gigabytes; a file
    that cannot be used at all gives the role keys without takeaways."""
    parsed, problems = parse_side_file(path)
    data: Any = parsed.data if parsed is not None and parsed.data is not None else {}
    if not isinstance(data, dict):
        line = parsed.line(()) if parsed else None
        message = "must be a mapping of role keys to a name and a takeaway; showing role keys without takeaways"
        problems.append(Problem(Severity.ERROR, str(path), "", message, line))
        data = {}
    roles = {}
    for key in ROLE_KEYS:
        found = data.get(key)
        entry: dict[str, Any] = found if isinstance(found, dict) else {}
        name = str(entry.get("name") or key.replace("_", " ").title())
        takeaway = str(entry.get("takeaway") or "")
        for field, text, limit in (("name", name, NAME_MAX), ("takeaway", takeaway, TAKEAWAY_MAX)):
            if len(text) > limit:
                where = parsed.line((key, field)) if parsed else None
                message = f"is {len(text)} characters; at most {limit} are shown, so shorten it"
                problems.append(Problem(Severity.WARNING, str(path), f"{key}.{field}", message, where))
        roles[key] = Role(key=key, name=name[:NAME_MAX], takeaway=takeaway[:TAKEAWAY_MAX])
    return roles, problems


def find_role(roles: dict[str, Role], text: str) -> Role | None:
    """A role from what a person typed: its key (`data_science`, `data science`) or its display name."""
    wanted = text.strip().lower().replace("-", " ").replace("_", " ")
    for role in roles.values():
        names = {role.key.replace("_", " "), role.name.lower()}
        if wanted in names or any(wanted == part.strip() for part in role.name.lower().split("&")):
            return role
    return None
