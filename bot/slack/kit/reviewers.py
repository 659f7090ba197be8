"""Who may triage requests: the reviewers' user ids, and members of their user groups (looked up, cached).

The reviewers are the workspace's (bot/workspaces: set on the Home, else REVIEWERS): each request gets a view
scoped to its team, read when first asked, sharing one cache of group members."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...state.team import Team
from ...term_requests.rules import is_reviewer

log = logging.getLogger(__name__)
GROUP_TTL = 300.0  # a group's members are looked up again after five minutes


class BotTokens(Protocol):
    """A workspace's bot token when each has its own (OAuth installs: bot/slack/install/tokens.py)."""

    def bot_token(self, *, enterprise_id: str | None, team_id: str | None) -> str | None: ...


class Reviewers:
    def __init__(
        self,
        client: WebClient,
        reviewers: tuple[str, ...] | Callable[[], tuple[str, ...]],
        *,
        shared: Reviewers | None = None,
        where: tuple[str | None, str | None] = (None, None),
    ):
        self.client = client
        # Several workspaces: a group is looked up with its workspace's token (set on the root by create_app).
        self.tokens: BotTokens | None = shared.tokens if shared else None
        self.where = where  # (enterprise id, team id) of the workspace these reviewers are; unscoped: (None, None)
        self._source = reviewers if callable(reviewers) else (lambda fixed=tuple(reviewers): fixed)
        # Group members are the same whichever workspace view asks: one cache for all of them.
        self._groups: dict[str, tuple[float, frozenset[str]]] = shared._groups if shared else {}
        self._lock: threading.Lock = shared._lock if shared else threading.Lock()

    @property
    def reviewers(self) -> tuple[str, ...]:
        return self._source()

    def scoped(
        self, reviewers: Callable[[], tuple[str, ...]], enterprise_id: str | None = None, team_id: str | None = None
    ) -> Reviewers:
        """The same cache of group members, with another workspace's reviewers."""
        return Reviewers(self.client, reviewers, shared=self, where=(enterprise_id, team_id))

    def of_team(self, team: Team | None) -> Reviewers:
        """Scoped to a team of the state (bot/state/team.py): an org-wide install's team is the org."""
        if team is None:
            return self
        org_wide = team.enterprise_id is not None and team.id == team.enterprise_id
        return self.scoped(self._source, team.enterprise_id, None if org_wide else team.id)

    def __contains__(self, user_id: object) -> bool:  # a Container[str], like a plain set of ids in a test
        return isinstance(user_id, str) and is_reviewer(user_id, self.reviewers, self.members)

    def members(self, group_id: str) -> frozenset[str]:
        """A user group's members, cached for GROUP_TTL; owners' groups are read through here too."""
        key = f"{self.where[1] or self.where[0] or ''}/{group_id}"  # a workspace never reads another's group
        with self._lock:
            cached = self._groups.get(key)
            if cached and time.monotonic() - cached[0] < GROUP_TTL:
                return cached[1]
        token: dict[str, Any] = {}
        if self.tokens is not None:
            found = self.tokens.bot_token(enterprise_id=self.where[0], team_id=self.where[1])
            if not found:
                log.warning("cannot read user group %s: %s has no installation", group_id, self.where[1] or "no team")
                return frozenset()
            token = {"token": found}
        try:
            users = frozenset(self.client.usergroups_users_list(usergroup=group_id, **token).get("users") or ())
        except SlackApiError as exc:
            log.warning(
                "cannot read members of user group %s (%s); its members cannot triage until it works",
                group_id,
                exc.response.get("error"),
            )
            return cached[1] if cached else frozenset()
        with self._lock:
            self._groups[key] = (time.monotonic(), users)
        return users
