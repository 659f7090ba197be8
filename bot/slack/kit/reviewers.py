"""Who may triage requests: the reviewers' user ids, and members of their user groups (looked up, cached).

The reviewers are the workspace's (bot/workspaces: set on the Home, else REVIEWERS): each request gets a view
scoped to its team, read when first asked, sharing one cache of group members."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...term_requests.rules import is_reviewer

log = logging.getLogger(__name__)
GROUP_TTL = 300.0  # a group's members are looked up again after five minutes


class Reviewers:
    def __init__(
        self,
        client: WebClient,
        reviewers: tuple[str, ...] | Callable[[], tuple[str, ...]],
        *,
        shared: Reviewers | None = None,
    ):
        self.client = client
        self._source = reviewers if callable(reviewers) else (lambda fixed=tuple(reviewers): fixed)
        # Group members are the same whichever workspace view asks: one cache for all of them.
        self._groups: dict[str, tuple[float, frozenset[str]]] = shared._groups if shared else {}
        self._lock: threading.Lock = shared._lock if shared else threading.Lock()

    @property
    def reviewers(self) -> tuple[str, ...]:
        return self._source()

    def scoped(self, reviewers: Callable[[], tuple[str, ...]]) -> Reviewers:
        """The same cache of group members, with another workspace's reviewers."""
        return Reviewers(self.client, reviewers, shared=self)

    def __contains__(self, user_id: object) -> bool:  # a Container[str], like a plain set of ids in a test
        return isinstance(user_id, str) and is_reviewer(user_id, self.reviewers, self.members)

    def members(self, group_id: str) -> frozenset[str]:
        """A user group's members, cached for GROUP_TTL; owners' groups are read through here too."""
        with self._lock:
            cached = self._groups.get(group_id)
            if cached and time.monotonic() - cached[0] < GROUP_TTL:
                return cached[1]
        try:
            users = frozenset(self.client.usergroups_users_list(usergroup=group_id).get("users") or ())
        except SlackApiError as exc:
            log.warning(
                "cannot read members of user group %s (%s); its members cannot triage until it works",
                group_id,
                exc.response.get("error"),
            )
            return cached[1] if cached else frozenset()
        with self._lock:
            self._groups[group_id] = (time.monotonic(), users)
        return users
