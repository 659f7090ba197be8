"""Delivery that waits instead of dying, and mentions sent at once (issues 19 and 20).

Against a fake Slack that keeps Slack's own pace (one post per second per channel, 429 with Retry-After beyond)
or fails for ten minutes. Time runs on a compressed clock shared by the fake, the outbox and the worker
(bot/state/clock.py), so a minute of Slack's limits or ten minutes of outage play out in seconds of real time.
Every assertion is about what was delivered, never about how long it took."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from slack_sdk import WebClient

from bot.config import Settings
from bot.http.web import create_wsgi
from bot.runtime import Runtime
from bot.slack.outbox.delivery import Delivery
from bot.slack.outbox.letters import metadata as letter_metadata
from bot.slack.outbox.notify import reply
from bot.slack.requests import letters as request_letters
from bot.state.clock import Clock
from bot.state.outbox import DEAD, PENDING, SENDING, SENT, LetterKind, Outbox
from bot.state.schema import outbox
from bot.state.store import Store
from bot.term_requests.rules import RequestForm

from .harness import BOT_TOKEN, BOT_USER, SIGNING_SECRET, FakeSlack, Server, event_body, signed_post, wait_until
from .requests_helpers import submit_request


def settings_for(tmp_path, fake: FakeSlack, **changes) -> Settings:
    base = {
        "glossary_dir": BUNDLED_TERMS,
        "roles_file": BUNDLED_ROLES,
        "data_dir": tmp_path / "var",
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "requests_channel": "CREQUESTS",
        "reviewers": ("UREVIEW01",),
        # Clock seconds: with the clock at 20x, a 30 s lease is real; each call's timeout is 10 s (real).
        "outbox_lease_seconds": 600.0,
        "outbox_retry_seconds": 2.0,
    }
    return Settings(**{**base, **changes})


def runtime_on(settings: Settings, clock: Clock) -> Runtime:
    runtime = Runtime.open(settings)
    runtime.outbox.clock = clock  # before the worker starts: it takes its clock from the outbox
    return runtime


@contextlib.contextmanager
def echoing_server(tmp_path, fake: FakeSlack, clock: Clock) -> Iterator[tuple[Server, Runtime]]:
    """The app served over HTTP on `clock`, with `fake` echoing each outbox post back as Slack does with the
    manifest's metadata subscription. On a loaded machine a post can outlast its call's timeout and still land;
    only the echo then tells the outbox it landed (without it the letter is posted again once its echo wait is
    over, as it would be by a Slack that never echoed). Everything is stopped on leaving, the fake included."""
    settings = settings_for(tmp_path, fake)
    runtime = runtime_on(settings, clock)
    wsgi = create_wsgi(settings, runtime, watch=False)
    server = Server(wsgi)
    fake.echo_to(server.url + "/slack/events")
    try:
        yield server, runtime
    finally:
        server.stop()
        wsgi.close()
        runtime.store.close()
        fake.stop()


def waiting_or_dead(store: Store) -> list:
    with store.engine.connect() as conn:
        return conn.execute(
            outbox.select().where(outbox.c.status.in_((PENDING, SENDING, DEAD))).with_only_columns(outbox.c.id)
        ).all()


def all_sent(store: Store) -> bool:
    with store.engine.connect() as conn:
        rows = conn.execute(outbox.select().with_only_columns(outbox.c.status)).all()
    return bool(rows) and all(r.status == SENT for r in rows)


def mention_event(k: int) -> dict:
    ts = f"1700000{k:03d}.000100"
    return {
        "type": "app_mention",
        "user": f"UMENTION{k:02d}",
        "text": f"<@{BOT_USER}> what is RAG?",
        "ts": ts,
        "channel": "CGENERAL",
        "event_ts": ts,
    }


def test_a_burst_of_30_requests_and_30_mentions_under_slacks_post_limit_is_delivered_exactly_once(tmp_path):
    clock = Clock(scale=20)
    fake = FakeSlack(clock=clock).start()
    fake.limit("chat.postMessage", 1.0)  # Slack's pace: one post per second per channel, 429 beyond
    with echoing_server(tmp_path, fake, clock) as (server, runtime):

        def mention(k: int) -> None:
            body = event_body(mention_event(k), event_id=f"EvBURST{k:03d}")
            assert signed_post(server.url + "/slack/events", body, "application/json").status == 200

        work = [lambda k=k: submit_request(server, user=f"UFILER{k:02d}", term=f"zorblat {k}") for k in range(30)]
        work += [lambda k=k: mention(k) for k in range(30)]
        threads = [threading.Thread(target=lambda part=work[i::8]: [w() for w in part]) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert wait_until(lambda: all_sent(runtime.store), timeout=240), waiting_or_dead(runtime.store)
    posted = fake.delivered("chat.postMessage")
    triage = Counter(p.body["text"].split(":")[0] for p in posted if p.body["channel"] == "CREQUESTS")
    answers = Counter(p.body.get("thread_ts") for p in posted if p.body["channel"] == "CGENERAL")
    assert len(triage) == 30 and set(triage.values()) == {1}  # 30 of 30 triage posts, each once
    assert answers == {mention_event(k)["ts"]: 1 for k in range(30)}  # 30 of 30 answers, each once
    for k in range(30):
        assert len([p for p in posted if p.body["channel"] == f"UFILER{k:02d}"]) == 1  # the filer's DM, once


def test_an_answer_that_lands_after_its_call_timed_out_is_settled_by_its_echo_not_posted_again(tmp_path):
    """What a loaded machine did to the burst above: Slack took the post, but its answer came after the listener's
    thread had stopped waiting. The letter is unsure then; Slack's echo says where it landed, and the retry posts
    nothing."""
    clock = Clock(scale=20)
    fake = FakeSlack(clock=clock).start()
    fake.fail("chat.postMessage", "late", times=1)  # the first post lands; its answer comes too late
    with echoing_server(tmp_path, fake, clock) as (server, runtime):
        body = event_body(mention_event(1), event_id="EvLATE001")
        assert signed_post(server.url + "/slack/events", body, "application/json").status == 200
        assert wait_until(lambda: all_sent(runtime.store), timeout=60), waiting_or_dead(runtime.store)
        [letter] = runtime.outbox.letters((PENDING, SENDING, SENT, DEAD))
    [post] = fake.delivered("chat.postMessage")  # once: the late one
    assert post.body["thread_ts"] == mention_event(1)["ts"]
    assert [c.method for c in fake.calls if c.method == "chat.postMessage"] == ["chat.postMessage"]
    # Sent, where the echo said it landed; the late try timed out, so the letter was unsure before the echo came.
    assert letter.status == SENT and letter.posted is not None and letter.posted[0] == "CGENERAL"
    assert "timed out" in letter.last_error or "Timeout" in letter.last_error, letter.last_error


def test_a_ten_minute_slack_outage_loses_nothing(tmp_path):
    """Every call fails (500s, and every other one never answers) for ten minutes of the clock's time, longer than
    eight tries of backoff; then Slack is back, and every letter arrives once."""
    clock = Clock(scale=60)
    fake = FakeSlack(clock=clock).start()
    settings = settings_for(tmp_path, fake, outbox_lease_seconds=1800.0)  # 30 s real; a call times out in 10
    runtime = runtime_on(settings, clock)
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=1, retry_handlers=[])  # a hang costs 1 s
    delivery = Delivery(runtime, client, request_letters).start()
    try:
        fake.fail("*", "500|hang")
        began = clock.monotonic()
        for k in range(10):
            runtime.requests.file(RequestForm(term=f"outage term {k}", why="because"), f"UOUT{k:02d}", confirm=True)
            reply(runtime.outbox, "CGENERAL", {"text": f"answer {k}"}, thread_ts=f"1700000{k:03d}.000100")
        assert wait_until(lambda: clock.monotonic() - began > 600, timeout=60)
        assert waiting_or_dead(runtime.store) and not fake.delivered("chat.postMessage")  # nothing got through
        with runtime.store.engine.connect() as conn:
            assert not conn.execute(outbox.select().where(outbox.c.status == DEAD)).all()
        fake.heal()
        assert wait_until(lambda: all_sent(runtime.store), timeout=120), waiting_or_dead(runtime.store)
    finally:
        delivery.stop(timeout=15)
        runtime.store.close()
        fake.stop()
    posted = fake.delivered("chat.postMessage")
    assert Counter(p.body.get("thread_ts") for p in posted if p.body["channel"] == "CGENERAL") == {
        f"1700000{k:03d}.000100": 1 for k in range(10)
    }
    assert len([p for p in posted if p.body["channel"] == "CREQUESTS"]) == 10
    assert all(len([p for p in posted if p.body["channel"] == f"UOUT{k:02d}"]) == 1 for k in range(10))


@pytest.mark.parametrize(
    "error", ["channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "invalid_auth"]
)
def test_a_permanent_refusal_dead_letters_at_once_and_shows_as_stuck(tmp_path, error):
    fake = FakeSlack().start()
    runtime = Runtime.open(settings_for(tmp_path, fake))
    try:
        delivery = Delivery(
            runtime, WebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[]), request_letters
        )
        fake.fail("chat.postMessage", "429", times=2)  # Slack's pace first: waited for, never counted
        runtime.outbox.send(LetterKind.MESSAGE, {"channel": "CGONE", "message": {"text": "hello"}})
        for _ in range(2):
            assert delivery.deliver_one()
            make_due(runtime)
        fake.fail("chat.postMessage", error)
        delivery.pacer = type(delivery.pacer)(Clock(scale=1000))  # the Retry-Afters have passed
        assert delivery.deliver_one()
        [letter] = runtime.outbox.letters()
        assert (letter.status, letter.attempts, letter.last_error) == (DEAD, 1, error)
        stuck = runtime.outbox.stuck()
        assert (stuck.dead, stuck.waiting) == (1, 0)
    finally:
        runtime.store.close()
        fake.stop()


def make_due(runtime: Runtime) -> None:
    with runtime.store.writing() as conn:
        conn.execute(outbox.update().where(outbox.c.status == PENDING).values(due_at=dt.datetime(2000, 1, 1)))


def test_a_mention_answer_is_sent_by_the_thread_that_wrote_it(tmp_path):
    """No worker thread at all: the reply is on Slack when reply() returns, and stored as sent."""
    fake = FakeSlack().start()
    runtime = Runtime.open(settings_for(tmp_path, fake))
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[])
    delivery = Delivery(runtime, client, request_letters, threads=0).start()
    try:
        reply(runtime.outbox, "CGENERAL", {"text": "an answer"}, thread_ts="1700000001.000100")
        [post] = fake.delivered("chat.postMessage")
        assert post.body["thread_ts"] == "1700000001.000100"
        assert [x.status for x in runtime.outbox.letters((PENDING, SENDING, SENT, DEAD))] == [SENT]
        fake.fail("chat.postMessage", "500", times=1)  # a failed try at once leaves the letter to the worker
        reply(runtime.outbox, "CGENERAL", {"text": "another"}, thread_ts="1700000002.000100")
        assert [x.status for x in runtime.outbox.letters()] == [PENDING]
    finally:
        delivery.stop()
        runtime.store.close()
        fake.stop()


def test_the_hourly_retry_sends_a_letter_dead_for_an_hour_once_and_tells_nobody_twice(tmp_path):
    fake = FakeSlack().start()
    runtime = Runtime.open(settings_for(tmp_path, fake))
    try:
        runtime.outbox.send(LetterKind.MESSAGE, {"channel": "CLATER", "message": {"text": "hello"}})
        runtime.outbox.send(LetterKind.MESSAGE, {"channel": "CFRESH", "message": {"text": "hello"}})
        with runtime.store.writing() as conn:
            conn.execute(outbox.update().values(status=DEAD, last_error="not_in_channel"))
            conn.execute(
                outbox.update()
                .where(outbox.c.id == 1)
                .values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
            )
        client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[])
        delivery = Delivery(runtime, client, request_letters).start()  # its first round is the hourly retry
        try:
            assert wait_until(lambda: fake.delivered("chat.postMessage"), timeout=30)
        finally:
            delivery.stop()
        assert [p.body["channel"] for p in fake.delivered("chat.postMessage")] == ["CLATER"]
        statuses = {x.id: x.status for x in runtime.outbox.letters((SENT, DEAD))}
        assert statuses == {1: SENT, 2: DEAD}  # dead for less than an hour: left for the next round
    finally:
        runtime.store.close()
        fake.stop()


def test_two_instances_claiming_in_batches_never_deliver_a_letter_twice(tmp_path, state_url):
    """Two instances (two engines, two delivery threads each) drain 120 letters: each is posted once, and both
    instances took part."""
    fake = FakeSlack().start()
    settings = settings_for(tmp_path, fake, database_url=state_url)
    runtimes = [Runtime.open(settings), Runtime.open(settings)]
    try:
        for k in range(120):  # one channel each: the pacing never holds a letter back
            runtimes[0].outbox.send(LetterKind.MESSAGE, {"channel": f"C{k:04d}", "message": {"text": str(k)}})
        client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[])
        deliveries = [Delivery(r, client, request_letters).start() for r in runtimes]
        try:
            assert wait_until(lambda: all_sent(runtimes[0].store), timeout=120)
        finally:
            for d in deliveries:
                d.stop()
    finally:
        for r in runtimes:
            r.store.close()
        fake.stop()
    calls = fake.of("chat.postMessage")
    assert sorted(c.body["channel"] for c in calls) == [f"C{k:04d}" for k in range(120)]  # each once, none twice


def test_batch_claims_on_two_stores_hold_each_letter_once(state_url):
    stores = [Store(state_url), Store(state_url)]
    boxes = [Outbox(s) for s in stores]
    for i in range(300):
        boxes[0].send(LetterKind.MESSAGE, {"channel": "C1", "message": {"text": str(i)}})
    claimed: list[tuple[str, int]] = []
    lock = threading.Lock()

    def claimer(box: Outbox, name: str) -> None:
        while batch := box.claim_batch(name, dt.timedelta(minutes=5), 7):
            with lock:
                claimed.extend((name, letter.id) for letter in batch)

    threads = [threading.Thread(target=claimer, args=(b, f"{n}/{k}")) for n, b in enumerate(boxes) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for s in stores:
        s.close()
    ids = [letter_id for _, letter_id in claimed]
    assert sorted(ids) == list(range(1, 301))  # every letter claimed, none twice


def test_a_mention_answer_posted_before_a_crash_is_settled_by_its_echo_not_posted_again(tmp_path):
    """kill -9 after Slack took the answer but before it was marked sent: Slack's echo of the thread reply names
    where it landed, and the next claim posts nothing. No thread or channel is read."""
    fake = FakeSlack().start().without_history()
    runtime = Runtime.open(settings_for(tmp_path, fake))
    try:
        client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[])
        delivery = Delivery(runtime, client, request_letters, threads=0)
        answer = {"channel": "CGENERAL", "thread_ts": "1700.1", "message": {"text": "a"}}
        runtime.outbox.send(LetterKind.MESSAGE, answer)
        letter = runtime.outbox.claim("dead-process", dt.timedelta(seconds=-1))
        reply = client.chat_postMessage(
            channel="CGENERAL", thread_ts="1700.1", text="a", metadata=letter_metadata(letter.id)
        )
        assert runtime.outbox.echoed(letter.id, reply["channel"], reply["ts"])  # what echo.py stores
        assert delivery.deliver_one()
        assert not fake.of("conversations.replies") and not fake.of("conversations.history")
        assert len(fake.delivered("chat.postMessage")) == 1
        assert [x.status for x in runtime.outbox.letters((PENDING, SENDING, SENT, DEAD))] == [SENT]
    finally:
        runtime.store.close()
        fake.stop()
