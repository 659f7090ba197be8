"""The language a person reads Slack in (`users.info` with `include_locale`), asked once a day per person.

Asked only when an answer could differ (a term the glossary has in another language), and never allowed to
hold an answer up: the call runs on its own thread and the answer waits at most WAIT_SECONDS for it; a slow
Slack gets the card in the glossary's language now, and the locale, once it arrives, serves the next card.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_sdk import WebClient

log = logging.getLogger(__name__)
# slack_sdk logs a failed call as an error before raising; a missing locale is not one (we log it at info).
_SDK_LOG = logging.getLogger(__name__ + ".sdk")
_SDK_LOG.setLevel(logging.CRITICAL)
_SDK_LOG.propagate = False

KEEP_SECONDS = 24 * 3600  # a person rarely changes their Slack language
RETRY_SECONDS = 600  # after a failed call: English meanwhile, and no call per card while Slack is unwell
WAIT_SECONDS = 1.0  # /define answers in the ack, which Slack abandons after 3 seconds
MAX_PEOPLE = 10_000


class Locales:
    def __init__(self, *, wait: float = WAIT_SECONDS, clock: Any = time.monotonic):
        self._known: dict[str, tuple[str, float]] = {}  # user -> (locale, until)
        self._asking: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self._wait, self._clock = wait, clock

    def of(self, client: Any, user: str) -> str:
        """The person's locale ("fr-FR"), or "" when Slack has not said (yet)."""
        if not user:
            return ""
        known = self._known.get(user)
        if known and known[1] > self._clock():
            return known[0]
        with self._lock:
            thread = self._asking.get(user)
            if thread is None:
                thread = threading.Thread(target=self._ask, args=(client, user), daemon=True, name="slack-locale")
                self._asking[user] = thread
                thread.start()
        thread.join(self._wait)
        known = self._known.get(user)
        return known[0] if known else ""

    def _ask(self, client: Any, user: str) -> None:
        locale, keep = "", RETRY_SECONDS
        try:
            reply = _quiet(client).users_info(user=user, include_locale=True)
            found = (reply.get("user") or {}).get("locale")
            locale, keep = (found if isinstance(found, str) else ""), KEEP_SECONDS
        except Exception as exc:  # a failed call costs this person their language for a while, never the answer
            log.info("no locale for a person (%s); cards stay in the glossary's language", type(exc).__name__)
        with self._lock:
            if len(self._known) >= MAX_PEOPLE:
                self._known.clear()
            self._known[user] = (locale[:35], self._clock() + keep)
            self._asking.pop(user, None)


def _quiet(client: Any) -> Any:
    """The same workspace's client, with its own short timeout, no retries and no error log of its own."""
    if not isinstance(client, WebClient):
        return client
    return WebClient(
        token=client.token, base_url=client.base_url, timeout=int(KEEP_TIMEOUT), logger=_SDK_LOG, retry_handlers=[]
    )


KEEP_TIMEOUT = 5  # seconds: the call runs off the answer's path, but a hung Slack must not hold a thread for long
