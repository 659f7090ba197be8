"""The App Home published off the listeners' threads: queued per person, the newest wins, paced under Slack's limit.

A busy morning is a storm of app_home_opened events and clicks, each wanting a views.publish, a call Slack limits
per workspace (Tier 4, about 100 a minute) and answers 429 beyond. Publishing on the listener's thread made every
click wait behind Home draws, and 429s left Homes blank. So a listener only says "this person's Home, in this
state" (request()): the ask is numbered in the state database (state/home_asks.py), a person asked for twice while
waiting is drawn once, and the Home is drawn (from the newest data, in the newest state asked for by anyone's
process) only when its turn to be published has come. A few threads publish, taking turns from the outbox's pacer
(outbox/pacing.py); a 429 blocks every publish for its Retry-After and the same Home is tried again.

One process never publishes one person's Home from two threads at once. Across processes (gunicorn workers,
instances) two may: so after a publish the newest ask's number is read again, and a Home drawn from an older ask
is published once more in the newest state. The view that lands last is therefore always the newest asked for.
A Home lost to a restart is drawn again at the next open.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...runtime import Runtime
from ...state.clock import Clock
from ...state.home_asks import HomeAsks
from ..kit.reviewers import Reviewers
from ..outbox.pacing import Pacer, retry_after
from .page import HomeState, build_home

log = logging.getLogger(__name__)
METHOD = "views.publish"
THREADS = 2  # one hung call (the client's timeout) never stops every Home
RETRY_AFTER_DEFAULT = 1.0  # a 429 without a Retry-After

Draw = Callable[[str, HomeState], dict]


class Asks(Protocol):
    """Where asks are numbered: state/home_asks.HomeAsks, shared by every process; LocalAsks in one."""

    def ask(self, user_id: str, state: str) -> int: ...
    def newest(self, user_id: str) -> tuple[str, int] | None: ...


class LocalAsks:
    """Asks numbered in this process only (a bot without a state database to share, a test)."""

    def __init__(self) -> None:
        self._asks: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def ask(self, user_id: str, state: str) -> int:
        with self._lock:
            seq = self._asks.get(user_id, ("", 0))[1] + 1
            self._asks[user_id] = (state, seq)
            return seq

    def newest(self, user_id: str) -> tuple[str, int] | None:
        with self._lock:
            return self._asks.get(user_id)


class HomePublisher:
    def __init__(
        self, client: WebClient, draw: Draw, clock: Clock, *, asks: Asks | None = None, threads: int = THREADS
    ) -> None:
        self.client = client
        self.draw = draw  # (user id, state) -> the Home's view, from the newest data
        self.clock = clock
        self.asks = asks or LocalAsks()
        self.pacer = Pacer(clock)
        self._threads = threads
        self._pending: OrderedDict[str, HomeState] = OrderedDict()  # person -> the state asked, oldest ask first
        # How a person's Home is drawn and sent, when the ask says: their workspace's settings, glossary and token.
        self._how: dict[str, tuple[Draw, WebClient, str]] = {}  # and the team whose publish limit it counts against
        self._busy: set[str] = set()  # people whose Home a thread is publishing now
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._started: list[threading.Thread] = []

    def request(
        self,
        user_id: str,
        state: HomeState,
        *,
        draw: Draw | None = None,
        client: WebClient | None = None,
        team: str = "",
    ) -> None:
        """Publish this person's Home in this state, soon. Never waits on Slack; a newer ask replaces a waiting one.
        `draw`, `client`, `team`: how this person's Home is drawn and sent (their workspace's), else the publisher's."""
        if draw is not None or client is not None or team:
            with self._changed:
                self._how[user_id] = (draw or self.draw, client or self.client, team)
        try:
            self.asks.ask(user_id, state.encode())
        except Exception as exc:  # the state database is down: this process's own ask is still drawn
            log.warning("could not record the Home asked for by %s: %s", user_id, exc)
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
            with self._changed:
                draw, client, team = self._how.get(user, (self.draw, self.client, ""))
            wait = self.pacer.take((team, METHOD, ""), 0.0)  # not our turn: wait here, where a stop can end it
            if wait:
                self.clock.wait(self._stop, wait)
                continue
            with self._changed:  # asked again meanwhile: the newest ask covers it
                state = self._pending.pop(user, state)
            state, drawn = self._newest(user, state)
            try:
                client.views_publish(user_id=user, view=draw(user, state))
            except SlackApiError as exc:
                if exc.response.status_code != 429:  # the next open tries again; nothing else depends on it
                    log.warning("could not publish the Home of %s: %s", user, exc.response.get("error"))
                    return
                self.pacer.block((team, METHOD, ""), retry_after(exc.response.headers) or RETRY_AFTER_DEFAULT)
                continue
            except OSError as exc:  # a timeout or a lost connection: the next open draws it again
                log.warning("could not publish the Home of %s: %s", user, exc)
                return
            if self._newest(user, state)[1] == drawn:  # else another process was asked meanwhile: publish that
                return

    def _newest(self, user: str, state: HomeState) -> tuple[HomeState, int | None]:
        """The newest state anyone asked for this person, and its number (the one given, None, if unknown)."""
        try:
            found = self.asks.newest(user)
        except Exception as exc:
            log.warning("could not read the Home asked for by %s: %s", user, exc)
            return state, None
        return (HomeState.decode(found[0]), found[1]) if found else (state, None)


def home_publisher(client: WebClient, runtime: Runtime, reviewers: Reviewers) -> HomePublisher:
    """The serving bot's publisher: each Home drawn as the listeners drew it, on the outbox's clock."""

    def draw(user_id: str, state: HomeState) -> dict:
        return build_home(runtime, user_id, state, reviewer=user_id in reviewers)

    return HomePublisher(client, draw, runtime.outbox.clock, asks=HomeAsks(runtime.store))
