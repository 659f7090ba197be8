"""What every listener needs from the running bot, handed over in Bolt's context by one middleware."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ...runtime import Runtime
from ...state.team import Team
from .locale import Locales
from .reviewers import Reviewers


@dataclass(frozen=True)
class Deps:
    runtime: Runtime
    reviewers: Reviewers
    locales: Locales = field(default_factory=Locales)  # each person's Slack language, for cards

    def for_team(self, team: Team | None) -> Deps:
        """What a listener gets for a request from this team: a runtime that sees that team's rows only. None (a
        payload without a team, as in some tests): the home team's, as before teams."""
        return self if team is None else replace(self, runtime=self.runtime.for_team(team))


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
