"""The Home's publisher (issue 19, item 4): a storm of asks becomes one publish per person in their latest state,
paced, and a 429 is waited out, never a blank Home. A fake client stands in for Slack's Web API."""

from __future__ import annotations

import threading
from collections import defaultdict

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from slowclients import wait_until

from bot.slack.home.page import HomeState
from bot.slack.home.publisher import HomePublisher
from bot.state.clock import Clock
from bot.state.home_asks import HomeAsks
from bot.state.store import Store


class Slack:
    """views.publish recorded per person; `hold` keeps calls waiting; every `refuse`-th call answers 429."""

    def __init__(self, *, refuse: int = 0) -> None:
        self.published: dict[str, list[int]] = defaultdict(list)
        self.calls = 0
        self.refused = 0
        self.hold = threading.Event()
        self.hold.set()
        self.refuse = refuse
        self.lock = threading.Lock()

    def views_publish(self, *, user_id: str, view: dict) -> None:
        self.hold.wait(30)
        with self.lock:
            self.calls += 1
            if self.refuse and self.calls % self.refuse == 0:
                self.refused += 1
                response = SlackResponse(
                    client=None, http_verb="POST", api_url="views.publish", req_args={},
                    data={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "2"}, status_code=429,
                )  # fmt: skip
                raise SlackApiError("ratelimited", response)
            self.published[user_id].append(view["page"])


def draw(user: str, state: HomeState) -> dict:
    return {"page": state.shelf_page}


def storm(publisher: HomePublisher, people: int, asks: int) -> None:
    for k in range(1, asks + 1):
        for p in range(people):
            publisher.request(f"U{p:04d}", HomeState(shelf_page=k))


def test_a_storm_of_asks_is_one_publish_per_person_in_the_latest_state():
    slack = Slack()
    slack.hold.clear()  # Slack is slow to answer the first calls: the storm queues up behind them
    publisher = HomePublisher(slack, draw, Clock(scale=1000))  # type: ignore[arg-type]
    storm(publisher, people=50, asks=4)
    slack.hold.set()
    assert wait_until(lambda: publisher.waiting() == 0 and len(slack.published) == 50)
    assert all(pages[-1] == 4 for pages in slack.published.values())  # everyone's last Home is their latest
    # Only the Homes already being published when the storm came were drawn twice (once per thread).
    assert sum(len(pages) for pages in slack.published.values()) <= 50 + 2
    publisher.stop()


def test_a_429_is_waited_out_and_every_home_is_still_published_last_in_its_latest_state():
    slack = Slack(refuse=3)
    publisher = HomePublisher(slack, draw, Clock(scale=1000))  # type: ignore[arg-type]
    storm(publisher, people=30, asks=3)
    assert wait_until(lambda: publisher.waiting() == 0 and len(slack.published) == 30)
    assert slack.refused > 0
    assert {user: pages[-1] for user, pages in slack.published.items()} == {f"U{p:04d}": 3 for p in range(30)}
    publisher.stop()


def test_publishes_keep_to_the_pace_of_views_publish():
    """Tier 4: a burst of 10, then about 100 a minute. On a clock the test moves, nothing beyond the burst goes
    until the clock moves on."""
    slack = Slack()
    clock = Clock(scale=0.001)  # a clock that barely moves: a thousand real seconds per second of it
    publisher = HomePublisher(slack, draw, clock)  # type: ignore[arg-type]
    storm(publisher, people=30, asks=1)
    assert wait_until(lambda: slack.calls >= 10)
    assert publisher.waiting() > 0 and slack.calls <= 12  # the burst, and what the clock's drift allowed
    publisher.stop()


def test_two_processes_asked_for_one_persons_home_end_with_the_newest_one_last(state_url):
    """Gunicorn's workers each publish Homes: asks are numbered in the state database, so whichever worker's view
    lands last, it is the newest asked for."""
    store = Store(state_url)
    slack = Slack()
    workers = [HomePublisher(slack, draw, Clock(scale=1000), asks=HomeAsks(store)) for _ in range(2)]  # type: ignore[arg-type]
    for k in range(1, 5):
        for p in range(20):
            workers[(p + k) % 2].request(f"U{p:04d}", HomeState(shelf_page=k))  # each ask to the other worker
    assert wait_until(lambda: all(w.waiting() == 0 for w in workers) and len(slack.published) == 20)
    assert {user: pages[-1] for user, pages in slack.published.items()} == {f"U{p:04d}": 4 for p in range(20)}
    assert HomeAsks(store).newest("U0000") == (HomeState(shelf_page=4).encode(), 4)
    for worker in workers:
        worker.stop()
    store.close()
