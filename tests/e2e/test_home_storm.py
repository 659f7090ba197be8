"""A busy morning's Home (issue 19, item 4): 200 app_home_opened events for 50 people in a few seconds, against a
fake Slack that keeps a views.publish limit (429 with Retry-After beyond it), on a compressed clock.

Every person ends with their latest Home published, exactly once in that state, none lost; the reviewer's misses on
it are the counts a scan of the lookups table gives."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from paths import BUNDLED_ROLES, BUNDLED_TERMS
from sqlalchemy import select

from bot.config import Settings
from bot.glossary.lookup import LookupResult
from bot.glossary.model import LookupStatus, MatchHow
from bot.http.web import create_wsgi
from bot.runtime import Runtime
from bot.slack.home.page import HomeState
from bot.state.clock import Clock
from bot.state.schema import lookups

from .harness import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, Server, event_body, signed_post, wait_until

PEOPLE = [f"UPERSON{p:03d}" for p in range(49)] + ["UREVIEW01"]
ROUNDS = 4
MISSES = {"blorptron": 3, "quuxformer": 2}


def published_view(call) -> dict:
    view = call.body["view"]
    return json.loads(view) if isinstance(view, str) else view


def page_of(call) -> int:
    return HomeState.decode(published_view(call).get("private_metadata")).shelf_page


def test_a_home_storm_under_the_publish_limit_ends_with_each_persons_latest_home_once(tmp_path):
    clock = Clock(scale=20)
    fake = FakeSlack(clock=clock).start()
    fake.limit("views.publish", 1.0)  # stricter than Tier 4: the bot's own pacing meets 429s too
    settings = Settings(
        glossary_dir=BUNDLED_TERMS,
        roles_file=BUNDLED_ROLES,
        data_dir=tmp_path / "var",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        requests_channel="CREQUESTS",
        reviewers=("UREVIEW01",),
        slack_team_id=TEAM,  # single-workspace mode: the payloads' team, as `serve` learns it from auth.test
    )
    runtime = Runtime.open(settings)
    runtime.outbox.clock = clock  # the publisher paces on the outbox's clock, the fake Slack's too
    for query, times in MISSES.items():
        for _ in range(times):
            runtime.record_lookup("slash", query, LookupResult(LookupStatus.MISS, query, (), MatchHow.NONE))
    assert runtime.flush_lookups(10)
    wsgi = create_wsgi(settings, runtime, watch=False)
    server = Server(wsgi)
    try:
        for k in range(1, ROUNDS + 1):  # round by round: each person's last event is round 4
            for p, user in enumerate(PEOPLE):
                event = {
                    "type": "app_home_opened", "user": user, "channel": "D0HOME01", "tab": "home", "event_ts": "1.2",
                    "view": {"type": "home", "private_metadata": HomeState(shelf_page=k).encode()},
                }  # fmt: skip
                reply = signed_post(
                    server.url + "/slack/events", event_body(event, event_id=f"EvStorm{k}x{p}"), "application/json"
                )
                assert reply.status == 200

        def settled() -> bool:
            last = {c.body["user_id"]: page_of(c) for c in fake.delivered("views.publish")}
            return wsgi.bot.homes.waiting() == 0 and last == dict.fromkeys(PEOPLE, ROUNDS)

        assert wait_until(settled, timeout=120)
        assert any(c.outcome == "429" for c in fake.of("views.publish"))  # the limit was met, and waited out
        delivered = fake.delivered("views.publish")
        latest = Counter(c.body["user_id"] for c in delivered if page_of(c) == ROUNDS)
        assert latest == Counter(dict.fromkeys(PEOPLE, 1))  # exactly one final view each
        per_person = defaultdict(list)
        for call in delivered:
            per_person[call.body["user_id"]].append(page_of(call))
        assert all(pages[-1] == ROUNDS for pages in per_person.values())  # nothing older landed after it

        reviewer_home = json.dumps(
            [published_view(c) for c in delivered if c.body["user_id"] == "UREVIEW01"][-1], ensure_ascii=False
        )
        with runtime.store.engine.connect() as conn:
            scan = Counter(conn.execute(select(lookups.c.query).where(lookups.c.outcome == "miss")).scalars())
        assert scan == Counter(MISSES)
        for query, times in scan.items():
            assert f"*{query}* · {times} times" in reviewer_home
    finally:
        server.stop()
        wsgi.close()
        runtime.store.close()
        fake.stop()
