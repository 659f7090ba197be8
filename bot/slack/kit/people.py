"""People as Slack knows them (users.info): their names, for text that leaves Slack (a pull request never carries a
Slack id; one call per person per process; a person Slack will not name is "someone in Slack"), and whether they
are a workspace admin or owner (who may change the workspace's settings on the Home)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...workspaces.settings import may_change_settings

log = logging.getLogger(__name__)
UNKNOWN = "someone in Slack"


def namer(client: WebClient) -> Callable[[str], str]:
    known: dict[str, str] = {}
    lock = threading.Lock()

    def name_of(user_id: str) -> str:
        with lock:
            if user_id in known:
                return known[user_id]
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, OSError) as exc:
            log.warning("could not read the name of a Slack user: %s", exc)
            return UNKNOWN  # not cached: it may work next time
        profile = user.get("profile") or {}
        name = str(profile.get("display_name") or profile.get("real_name") or user.get("real_name") or UNKNOWN)
        with lock:
            known[user_id] = name
        return name

    return name_of


ADMIN_TTL = 300.0  # seconds a person's admin status is kept for drawing the Home; a save always asks Slack


class Admins:
    """Who is a workspace admin or owner, as users.info says (Slack's own roles: nobody is named in advance)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def is_admin(self, client: WebClient, user_id: str, *, fresh: bool = False) -> bool:
        """`fresh`: ask Slack now (a save); else a recent answer will do (drawing the Home). A failed call is a no."""
        with self._lock:
            kept = self._known.get(user_id)
        if kept and not fresh and time.monotonic() - kept[0] < ADMIN_TTL:
            return kept[1]
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, OSError) as exc:
            log.warning("could not read whether a Slack user is an admin: %s", exc)
            return False  # not kept: it may work next time
        admin = may_change_settings(
            is_admin=bool(user.get("is_admin")), is_owner=bool(user.get("is_owner") or user.get("is_primary_owner"))
        )
        with self._lock:
            if len(self._known) > 50_000:  # one entry per person who opened the Home: bounded all the same
                self._known.clear()
            self._known[user_id] = (time.monotonic(), admin)
        return admin
