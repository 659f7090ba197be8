"""Who may triage requests: REVIEWERS user ids, and members of REVIEWERS user groups (looked up, cached)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...term_requests.rules import is_reviewer

log = logging.getLogger(__name__)
GROUP_TTL = 300.0  # a group's members are looked up again after five minutes


class Reviewers:
    def __init__(self, client: WebClient, reviewers: tuple[str, ...]):
        self.client = client
        self.reviewers = reviewers
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

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
