"""The App Home published off the listeners' threads: queued per person, the newest wins, paced under Slack's limit.

A busy morning is a storm of app_home_opened events and clicks, each wanting a views.publish, a call Slack limits
per workspace (Tier 4, about 100 a minute) and answers 429 beyond. Publishing on the listener's thread made every
click wait behind Home draws, and 429s left Homes blank. So a listener only says "this person's Home, in this
state" (request()): a person asked for twice while waiting is drawn once, in the latest state, and the Home is
drawn (from the newest data) only when its turn to be published has come. A few threads publish, taking turns from
the outbox's pacer (outbox/pacing.py); a 429 blocks every publish for its Retry-After and the Home goes back to
the front of its person's line. One person's Home is never published by two threads at once, so an older view
can never land after a newer one. Nothing is stored: a Home lost to a restart is drawn again at the next open.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...runtime import Runtime
from ...state.clock import Clock
from ..kit.reviewers import Reviewers
from ..outbox.pacing import Pacer, retry_after
from .page import HomeState, build_home

log = logging.getLogger(__name__)
METHOD = "views.publish"
THREADS = 2  # one hung call (the client's timeout) never stops every Home
RETRY_AFTER_DEFAULT = 1.0  # a 429 without a Retry-After

Draw = Callable[[str, HomeState], dict]


class HomePublisher:
    def __init__(self, client: WebClient, draw: Draw, clock: Clock, *, threads: int = THREADS) -> None:
        self.client = client
        self.draw = draw  # (user id, state) -> the Home's view, from the newest data
        self.clock = clock
        self.pacer = Pacer(clock)
        self._threads = threads
        self._pending: OrderedDict[str, HomeState] = OrderedDict()  # person -> the state to draw, oldest ask first
        self._busy: set[str] = set()  # people whose Home a thread is publishing now
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._started: list[threading.Thread] = []

    def request(self, user_id: str, state: HomeState) -> None:
        """Publish this person's Home in this state, soon. Never blocks on Slack; a newer ask replaces a waiting one."""
        with self._changed:
            self._pending[user_id] = state  # an ask already waiting keeps its place in the line, with the new state
            if not self._started:
                self._start()
            self._changed.notify()

    def waiting(self) -> int:
        with self._changed:
            return len(self._pending) + len(self._busy)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        for thread in self._started:
            thread.join(timeout)

    def _start(self) -> None:
        for k in range(self._threads):
            thread = threading.Thread(target=self._run, name=f"home-publish-{k}", daemon=True)
            thread.start()
            self._started.append(thread)

    def _next(self) -> tuple[str, HomeState] | None:
        """The oldest ask whose person no other thread is publishing for; None once stopped."""
        with self._changed:
            while not self._stop.is_set():
                user = next((u for u in self._pending if u not in self._busy), None)
                if user is not None:
                    self._busy.add(user)
                    return user, self._pending.pop(user)
                self._changed.wait(1.0)
        return None

    def _run(self) -> None:
        while (item := self._next()) is not None:
            user, state = item
            try:
                self._publish(user, state)
            except Exception:  # a draw that failed: logged, the next open draws again
                log.exception("could not draw the Home of %s", user)
            finally:
                with self._changed:
                    self._busy.discard(user)
                    self._changed.notify_all()

    def _publish(self, user: str, state: HomeState) -> None:
        while not self._stop.is_set():
            wait = self.pacer.take(METHOD, "", 0.0)  # not our turn: wait here, where a stop can end the wait
            if wait:
                self.clock.wait(self._stop, wait)
                continue
            with self._changed:  # asked again meanwhile: that state is the one to draw now
                state = self._pending.pop(user, state)
            try:
                self.client.views_publish(user_id=user, view=self.draw(user, state))
                return
            except SlackApiError as exc:
                if exc.response.status_code != 429:  # the next open tries again; nothing else depends on it
                    log.warning("could not publish the Home of %s: %s", user, exc.response.get("error"))
                    return
                self.pacer.block(METHOD, "", retry_after(exc.response.headers) or RETRY_AFTER_DEFAULT)
            except OSError as exc:  # a timeout or a lost connection: the next open draws it again
                log.warning("could not publish the Home of %s: %s", user, exc)
                return


def home_publisher(client: WebClient, runtime: Runtime, reviewers: Reviewers) -> HomePublisher:
    """The serving bot's publisher: each Home drawn as the listeners drew it, on the outbox's clock."""

    def draw(user_id: str, state: HomeState) -> dict:
        return build_home(runtime, user_id, state, reviewer=user_id in reviewers)

    return HomePublisher(client, draw, runtime.outbox.clock)
