"""People's names as Slack shows them (users.info), for text that leaves Slack: a pull request never carries a
Slack id. One call per person per process; a person Slack will not name is "someone in Slack"."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

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
