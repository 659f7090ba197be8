"""Role names and their one-line takeaways: data the glossary owner edits (data/roles.yml), not code."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from .model import ROLE_KEYS, Role

log = logging.getLogger(__name__)


def load_roles(path: Path) -> dict[str, Role]:
    """Every known role; a missing or broken file falls back to the role keys, with no takeaways."""
    data: dict[str, Any] = {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError("the file must be a mapping of role keys")
    except (OSError, yaml.YAMLError, ValueError) as exc:
        log.warning("roles file %s not used (%s); showing role keys without takeaways", path, exc)
        data = {}
    roles = {}
    for key in ROLE_KEYS:
        found = data.get(key)
        entry: dict[str, Any] = found if isinstance(found, dict) else {}
        roles[key] = Role(
            key=key,
            name=str(entry.get("name") or key.replace("_", " ").title()),
            takeaway=str(entry.get("takeaway") or ""),
        )
    return roles


def find_role(roles: dict[str, Role], text: str) -> Role | None:
    """A role from what a person typed: its key (`data_science`, `data science`) or its display name."""
    wanted = text.strip().lower().replace("-", " ").replace("_", " ")
    for role in roles.values():
        names = {role.key.replace("_", " "), role.name.lower()}
        if wanted in names or any(wanted == part.strip() for part in role.name.lower().split("&")):
            return role
    return None
