"""Settings per workspace: the requests channel, the reviewers, the digest day and the channel -> domain
mapping, as a workspace admin set them from the Home, else as the environment sets them.

Why a fallback per field: a single-workspace install configured through `.env` keeps working unchanged, and an
admin who sets only the requests channel keeps REVIEWERS. A field saved empty goes back to the environment's.

`effective_settings(team_id)` is the one question every path asks (triage posts, reviewer checks, digests,
senses). Until every state row carries its team, a caller with no team in hand passes None: the one workspace
that has settings is meant (a single-workspace install), or the environment alone when none or several have.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..config import CHANNEL_ID, WEEKDAYS, Settings
from ..glossary.terminology import Terminology
from ..state.store import Store
from ..state.team_settings import TeamRow, TeamSettingsStore

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,30}$")
MOST_REVIEWERS = 50  # people picked one by one; a larger team is a user group
MOST_CHANNELS = 100  # channel -> domain lines
# Read on every /define (a card's sense) and every click (reviewer checks): kept this long. A save here clears it
# at once; another instance sees the change within this time.
KEEP_SECONDS = 10.0
# The form's fields, as the modal's blocks are named: an error goes back on the field it is about.
CHANNEL, USERS, GROUP, DIGEST_DAY, DOMAINS = "requests_channel", "reviewers", "group", "digest_day", "domains"


@dataclass(frozen=True)
class Effective:
    """What applies in one workspace now, and which parts its admins set (the rest is the environment's)."""

    team_id: str
    requests_channel: str = ""
    reviewers: tuple[str, ...] = ()  # user ids and user group ids
    digest_day: int = 0
    channel_domains: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the workspace's own only
    set_here: frozenset[str] = frozenset()  # the fields a workspace admin saved

    @property
    def someone_reviews(self) -> bool:
        """A filed request reaches someone: a channel to post it in, or reviewers to triage it."""
        return bool(self.requests_channel or self.reviewers)

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(r for r in self.reviewers if not GROUP_ID.match(r))

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(r for r in self.reviewers if GROUP_ID.match(r))

    def domains_of(self, channel: str) -> tuple[str, ...] | None:
        """The domains this workspace maps the channel to; None: not mapped here, the glossary's file decides."""
        return self.channel_domains.get(channel) if channel else None

    def to_set(self) -> tuple[str, ...]:
        """What an admin should set so that requests reach someone: nothing once a channel or reviewers are."""
        return () if self.someone_reviews else ("a requests channel", "reviewers")


@dataclass(frozen=True)
class SettingsForm:
    """The Home's settings modal as typed: every field may be empty (empty: the environment's value)."""

    requests_channel: str = ""
    users: tuple[str, ...] = ()
    group: str = ""
    digest_day: str = ""  # "" or "0".."6"
    domains: str = ""  # one "C0123ABCD: domain, domain" a line


def may_change_settings(*, is_admin: bool, is_owner: bool) -> bool:
    """Workspace admins and owners change the settings (Slack's own roles: nobody has to be named first)."""
    return is_admin or is_owner


def known_domains(terminology: Terminology) -> frozenset[str]:
    """Every domain a sense in the glossary names: a channel mapped to anything else would pick nothing."""
    found: set[str] = set()
    for layer in terminology.layers.values():
        found.update(layer.main_domains)
        for sense in layer.senses:
            found.update(sense.domains)
    return frozenset(found)


def validate(form: SettingsForm, domains: Iterable[str]) -> tuple[dict[str, str], TeamRow | None]:
    """Errors by field, each naming the problem and the fix; or none and the row to store (team not yet filled)."""
    errors: dict[str, str] = {}
    channel = form.requests_channel.strip()
    if channel and not CHANNEL_ID.match(channel):
        errors[CHANNEL] = "Pick a public or private channel (a DM or a group DM cannot hold triage posts)."
    users = tuple(dict.fromkeys(u.strip() for u in form.users if u.strip()))
    if any(not USER_ID.match(u) for u in users):
        errors[USERS] = "Pick people only: a user group goes in the field below."
    elif len(users) > MOST_REVIEWERS:
        errors[USERS] = f"Pick at most {MOST_REVIEWERS} people; for more, name a user group below."
    group = form.group.strip()
    if group and not GROUP_ID.match(group):
        errors[GROUP] = "A user group id starts with S, such as S0123ABCD (the group's page, ⋮, Copy group ID)."
    day = form.digest_day.strip()
    if day and not (day.isdigit() and int(day) < len(WEEKDAYS)):
        errors[DIGEST_DAY] = "Pick a day of the week."
    mapping, problem = parse_domains(form.domains, frozenset(domains))
    if problem:
        errors[DOMAINS] = problem
    if errors:
        return errors, None
    reviewers = (*users, *((group,) if group else ()))
    return {}, TeamRow("", "", channel, reviewers, int(day) if day else None, mapping)


def parse_domains(text: str, known: frozenset[str]) -> tuple[dict[str, tuple[str, ...]], str]:
    """ "C0123ABCD: people, support" a line into a mapping; or the first problem, naming its line and the fix."""
    mapping: dict[str, tuple[str, ...]] = {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MOST_CHANNELS:
        return {}, f"At most {MOST_CHANNELS} channels, one a line."
    for number, line in enumerate(lines, 1):
        channel, colon, rest = line.partition(":")
        channel = channel.strip().lstrip("#")
        domains = tuple(dict.fromkeys(d.strip().lower() for d in rest.split(",") if d.strip()))
        if not colon or not CHANNEL_ID.match(channel) or not domains:
            return {}, f"Line {number}: write a channel id, a colon and domains, such as C0123ABCD: people, support."
        if channel in mapping:
            return {}, f"Line {number}: {channel} is named twice; put all its domains on one line."
        spelled = {k.lower(): k for k in known}  # as the glossary writes it, whatever the case typed
        unknown = [d for d in domains if d not in spelled]
        if unknown:
            offered = ", ".join(sorted(known)[:20]) or "none: the glossary has no senses with domains yet"
            return {}, f"Line {number}: no sense is in the domain {unknown[0]!r}. Domains: {offered}."
        mapping[channel] = tuple(spelled[d] for d in domains)
    return mapping, ""


def form_of(row: TeamRow | None) -> SettingsForm:
    """The form prefilled with what a workspace saved (the modal opens on it)."""
    if row is None:
        return SettingsForm()
    users = tuple(r for r in row.reviewers if not GROUP_ID.match(r))
    group = next((r for r in row.reviewers if GROUP_ID.match(r)), "")
    day = "" if row.digest_day is None else str(row.digest_day)
    lines = "\n".join(f"{c}: {', '.join(d)}" for c, d in row.channel_domains.items())
    return SettingsForm(row.requests_channel, users, group, day, lines)


class WorkspaceSettings:
    """Each workspace's settings over the environment's: read, validated, saved."""

    def __init__(self, store: Store, settings: Callable[[], Settings]) -> None:
        self.rows = TeamSettingsStore(store)
        self.settings = settings  # the environment's, read each time (a test may swap them)
        self._kept: dict[str | None, tuple[float, Settings, Effective]] = {}
        self._lock = threading.Lock()

    def saved(self, team_id: str | None) -> TeamRow | None:
        return self.rows.get(team_id) if team_id else None

    def form_for(self, team_id: str | None) -> SettingsForm:
        """The settings modal's fields as this workspace saved them (empty where the environment applies)."""
        return form_of(self.saved(team_id))

    def effective_settings(self, team_id: str | None = None) -> Effective:
        """What applies in this team: each field its admins set, else the environment's."""
        env = self.settings()
        with self._lock:
            kept = self._kept.get(team_id)
        if kept and kept[1] is env and time.monotonic() - kept[0] < KEEP_SECONDS:
            return kept[2]
        found = self._read(team_id, env)
        with self._lock:
            if len(self._kept) > 10_000:  # one entry per workspace: a bound against a flood of made-up team ids
                self._kept.clear()
            self._kept[team_id] = (time.monotonic(), env, found)
        return found

    def _read(self, team_id: str | None, env: Settings) -> Effective:
        team = team_id if team_id is not None else self.rows.only_team()
        row = self.rows.get(team) if team else None
        if row is None:
            return Effective(team or "", env.requests_channel, env.reviewers, env.digest_day)
        here = {
            name
            for name, value in (
                (CHANNEL, row.requests_channel),
                (USERS, row.reviewers),
                (DIGEST_DAY, row.digest_day is not None),
                (DOMAINS, row.channel_domains),
            )
            if value
        }
        return Effective(
            row.team_id,
            row.requests_channel or env.requests_channel,
            row.reviewers or env.reviewers,
            env.digest_day if row.digest_day is None else row.digest_day,
            row.channel_domains,
            frozenset(here),
        )

    def save(
        self, team_id: str, form: SettingsForm, *, by: str, domains: Iterable[str], enterprise_id: str = ""
    ) -> dict[str, str]:
        """Store the form for this team whole, or nothing: the errors by field when any field is wrong."""
        if not team_id:
            return {CHANNEL: "Slack did not say which workspace this is; open the Home again and retry."}
        errors, row = validate(form, domains)
        if row is None:
            return errors
        self.rows.save(replace(row, team_id=team_id, enterprise_id=enterprise_id, updated_by=by))
        with self._lock:
            self._kept.clear()
        return {}
