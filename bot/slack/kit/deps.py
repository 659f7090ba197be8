"""What every listener needs from the running bot, handed over in Bolt's context by one middleware."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from ...runtime import Runtime
from ...state.team import Team
from ...workspaces.settings import Effective
from .locale import Locales
from .people import Admins
from .reviewers import Reviewers


class HomeQueue(Protocol):
    """Where a listener asks for a person's Home to be published (home/publisher.py), instead of publishing it."""

    def request(self, user_id: str, state: Any, *, draw: Any = None, client: Any = None, team: str = "") -> None: ...


@dataclass(frozen=True)
class Deps:
    runtime: Runtime
    reviewers: Reviewers
    locales: Locales = field(default_factory=Locales)  # each person's Slack language, for cards
    homes: HomeQueue | None = None  # None: a listener called directly publishes the Home itself
    admins: Admins = field(default_factory=Admins)  # who may change the workspace's settings
    team_id: str | None = None  # the workspace the request came from (None: not known, see bot/workspaces)
    enterprise_id: str | None = None

    def for_request(self, team: Team | None, team_id: str | None, enterprise_id: str | None = None) -> Deps:
        """What a request from this workspace needs: its team's rows (None, a payload without a team as in some
        tests: the home team's), its glossary (GLOSSARIES), its reviewers and its settings."""
        runtime = self.runtime if team is None else self.runtime.for_team(team)
        runtime = runtime.for_glossary(team_id, enterprise_id)
        # Settings belong to whoever owns the rows: an org-wide install's are the org's (its letters read them there).
        owner = team.id if team is not None else team_id
        reviewers = self.reviewers.scoped(lambda: runtime.effective_settings(owner).reviewers, enterprise_id, team_id)
        return replace(self, runtime=runtime, reviewers=reviewers, team_id=owner, enterprise_id=enterprise_id)

    def effective(self) -> Effective:
        """The settings that apply in this request's workspace."""
        return self.runtime.effective_settings(self.team_id)

    def domains_of(self, channel: str) -> tuple[str, ...] | None:
        """The channel's domains as this workspace mapped them on the Home; None: the glossary's file decides."""
        return self.effective().domains_of(channel) if channel else None


def team_of(context: Mapping[str, Any]) -> Team | None:
    """The team a Slack request is for, from Bolt's context (set from the payload): an org-wide install's org,
    else the workspace. The one place the Slack layer reads it."""
    org_wide = bool(context.get("is_enterprise_install"))
    return Team.of(context.get("team_id"), context.get("enterprise_id"), org_wide=org_wide)


def deps_of(context: Mapping[str, Any]) -> Deps:
    return context["deps"]


# One row of a listener module's registration table: (Bolt decorator name, id, handler), and optionally the
# matchers Bolt checks first, when two features answer one event type (app_home_opened: the Home tab for home/,
# the agent DM for assistant/). Kinds: "command", "action", "view", "options", "shortcut", "event", "function".
Matcher = Callable[..., bool]
Listener = (
    tuple[str, str | re.Pattern[str], Callable[..., Any]]
    | tuple[str, str | re.Pattern[str], Callable[..., Any], tuple[Matcher, ...]]
)
