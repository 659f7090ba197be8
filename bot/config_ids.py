"""Slack ids in the settings (REQUESTS_CHANNEL, REVIEWERS, SLACK_TEAM_ID, GLOSSARIES' teams and orgs), read for
bot/config.py, which hands in its SettingsError to raise: a name where an id belongs is accepted by nothing in Slack,
so it is refused at start with the place to find the id."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

Get = Callable[[str, str], str]
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
REVIEWER_ID = re.compile(r"^[UWS][A-Z0-9]{2,30}$")
GLOSSARY_OWNER = re.compile(r"^[TE][A-Z0-9]{2,30}$")  # a workspace (T…) or an Enterprise Grid org (E…)


def team_id(get: Get, name: str, first: str, error: type[Exception]) -> str:
    """SLACK_TEAM_ID / SLACK_ENTERPRISE_ID: empty, or an id starting with one of `first`."""
    value = get(name, "")
    if value and not re.fullmatch(rf"[{first}][A-Z0-9]{{2,31}}", value):
        raise error(f"{name} must be a Slack id such as {first[0]}0123ABCD (auth.test's), not {value!r}")
    return value


def glossary_folders(value: str, error: type[Exception]) -> tuple[tuple[str, Path], ...]:
    """GLOSSARIES: `T123=/path/a,E456=/path/b`, a term folder per workspace or Grid org, each named once."""
    found: dict[str, Path] = {}
    for entry in (e.strip() for e in value.split(",") if e.strip()):
        owner, equals, path = (part.strip() for part in entry.partition("="))
        if not equals or not GLOSSARY_OWNER.match(owner) or not path:
            raise error(
                f"GLOSSARIES must be team or org ids with term folders, such as T0123ABCD=/srv/terms-a,"
                f"E0456EFGH=/srv/terms-b; {entry[:60]!r} is not"
            )
        if owner in found:
            raise error(f"GLOSSARIES names {owner} twice; keep one folder for it")
        found[owner] = Path(path)
    return tuple(found.items())


def reviewer_ids(get: Get, error: type[Exception]) -> tuple[str, ...]:
    """REVIEWERS as ids, and REQUESTS_CHANNEL checked: a name (#general, alice) is accepted by nothing in Slack."""
    channel = get("REQUESTS_CHANNEL", "")
    if channel and not CHANNEL_ID.match(channel):
        raise error(
            f"REQUESTS_CHANNEL must be a channel id such as C0123ABCD (the channel's details, at the bottom), "
            f"not {channel[:40]!r}"
        )
    reviewers = tuple(r for r in get("REVIEWERS", "").replace(",", " ").split() if r)
    wrong = [r for r in reviewers if not REVIEWER_ID.match(r)]
    if wrong:
        raise error(
            f"REVIEWERS must list user ids (U…) and user group ids (S…), such as U0123ABCD, not {wrong[0][:40]!r}; "
            "a profile's ⋮ menu has Copy member ID"
        )
    return reviewers
