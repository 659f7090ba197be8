"""The outbox's delivery worker against a fake Slack that fails on purpose: each failure is retried or
dead-lettered as specified, nothing is sent twice, and reviewers can see (and requeue) what died.

The worker is driven one letter at a time (deliver_one) so each test says exactly which try did what."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.answers.ask import parse_command
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.outbox.client import delivery_client
from bot.slack.outbox.delivery import DEADLINE, Delivery
from bot.slack.outbox.letters import metadata as letter_metadata
from bot.slack.outbox.pacing import RETRY_AFTER_CAP, Pacer
from bot.slack.requests import letters as request_letters
from bot.slack.requests.lists import requests_reply
from bot.slack.requests.messages import NOT_POSTED
from bot.state.clock import Clock
from bot.state.outbox import DEAD, PENDING, SENT, LetterKind
from bot.state.schema import outbox
from bot.term_requests.rules import RequestForm

from .harness import BOT_TOKEN


@pytest.fixture
def bot(tmp_path, fake_slack):
    settings = Settings(
        glossary_dir=BUNDLED_TERMS,
        roles_file=BUNDLED_ROLES,
        data_dir=tmp_path / "var",
        slack_bot_token=BOT_TOKEN,
        slack_api_url=fake_slack.api_url,
        requests_channel="CREQUESTS",
        # A try times out after 1 s; the lease leaves room for a busy machine between the claim and the call (with
        # 4 s, 2.5 s of it, a loaded run put letters back as "lease nearly over" before any call was made).
        outbox_lease_seconds=12.0,
        outbox_retry_seconds=0.01,
        outbox_max_attempts=3,
    )
    runtime = Runtime.open(settings)
    delivery = Delivery(runtime, delivery_client(settings), request_letters)
    # Slack's pace in a thousandth of the time: each test drives tries one by one, and what it checks is what
    # each try did (pacing has its own tests in test_outbox_pacing.py).
    delivery.pacer = Pacer(Clock(scale=1000))
    yield delivery
    runtime.store.close()


def file(delivery, term="vibe coding", user="UASKER01", **kw):
    return delivery.runtime.requests.file(RequestForm(term=term, why="because"), user, **kw).request


def letters(delivery, status=None):
    found = delivery.outbox.letters((PENDING, "sending", SENT, DEAD))
    return [x for x in found if status is None or x.status == status]


def make_due(delivery):
    """Every waiting letter due now: the backoff itself is checked by due_at, never by waiting it out."""
    with delivery.runtime.store.writing() as conn:
        conn.execute(outbox.update().where(outbox.c.status == PENDING).values(due_at=dt.datetime.now(dt.UTC)))


def deliver_all(delivery, rounds=20):
    for _ in range(rounds):
        make_due(delivery)
        if not delivery.deliver_one():
            return


def posts(fake_slack, channel="CREQUESTS"):
    return fake_slack.delivered("chat.postMessage", lambda c: c.body["channel"] == channel)


def posted_by_a_crashed_try(delivery, channel="CREQUESTS"):
    """kill -9 after Slack posted but before the ts was recorded: the letter is held by a dead process whose
    lease has run out, and its post, marked as the worker marks it, is in the channel. Returns (letter, reply)."""
    letter = delivery.outbox.claim("dead-process", dt.timedelta(seconds=-1))
    reply = delivery.client.chat_postMessage(channel=channel, text="x", metadata=letter_metadata(letter.id))
    return letter, reply


def crashed_before_slack_took_it(delivery):
    """kill -9 with the letter held and its call not made (or refused): nothing is in the channel."""
    return delivery.outbox.claim("dead-process", dt.timedelta(seconds=-1))


def echo(delivery, letter, reply):
    """Slack's message_metadata_posted echo of the post, as bot/slack/outbox/echo.py stores it."""
    assert delivery.outbox.echoed(letter.id, reply["channel"], reply["ts"])


def end_echo_waits(delivery):
    """Every letter waiting for an echo has waited long enough (the wait is checked by echo_due, never waited out)."""
    with delivery.runtime.store.writing() as conn:
        conn.execute(
            outbox.update()
            .where(outbox.c.echo_due.is_not(None))
            .values(echo_due=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )


def waiting_for_echo(delivery):
    with delivery.runtime.store.engine.connect() as conn:
        return conn.execute(outbox.select().where(outbox.c.echo_due.is_not(None))).all()


def dm_try_died_after_slack_took_it(delivery):
    """The DM was posted, and the process died before storing that: held, unsure, no landing stored."""
    with delivery.runtime.store.writing() as conn:
        conn.execute(
            outbox.update()
            .where(outbox.c.kind == "dm")
            .values(status="sending", unsure=True, claimed_until=dt.datetime(2000, 1, 1), sent_ts=None)
        )


def no_history_read(fake_slack):
    return not fake_slack.of("conversations.history") and not fake_slack.of("conversations.replies")


def test_a_failed_triage_post_is_retried_until_it_lands(bot, fake_slack):
    request = file(bot)
    fake_slack.fail("chat.postMessage", "500", times=2)
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1
    assert bot.runtime.requests.get(request.id).message_ts is not None
    [letter] = letters(bot)
    assert (letter.status, letter.attempts) == (SENT, 3)


def test_a_rate_limited_letter_waits_for_retry_after_and_the_429_is_not_a_try(bot, fake_slack):
    bot.pacer = Pacer(Clock())  # real time: the Retry-After must still hold on the next try below
    fake_slack.retry_after = 7
    file(bot)
    fake_slack.fail("chat.postMessage", "429", times=1)
    before = dt.datetime.now(dt.UTC)
    assert bot.deliver_one()
    [letter] = letters(bot)
    assert letter.status == PENDING and "Retry-After 7" in letter.last_error
    assert letter.due_at >= before + dt.timedelta(seconds=7)  # honoured, not the 0.01 s backoff
    assert letter.attempts == 0  # Slack's pace is not a failure
    make_due(bot)  # even when due, the channel's calls wait out the Retry-After: nothing is asked of Slack
    assert bot.deliver_one()
    assert len(fake_slack.of("chat.postMessage")) == 1 and letters(bot)[0].status == PENDING
    bot.pacer = Pacer(Clock(scale=100))  # seven seconds later, in a hundredth of the time
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1


def test_a_retry_after_beyond_the_cap_is_not_believed(bot, fake_slack):
    fake_slack.retry_after = 86400
    file(bot)
    fake_slack.fail("chat.postMessage", "429", times=1)
    before = dt.datetime.now(dt.UTC)
    assert bot.deliver_one()
    [letter] = letters(bot)
    assert letter.due_at <= before + dt.timedelta(seconds=RETRY_AFTER_CAP + 5)


def test_a_hung_post_waits_for_its_echo_and_with_none_is_posted_once(bot, fake_slack):
    file(bot)
    fake_slack.without_history()
    fake_slack.fail("chat.postMessage", "hang", times=1)
    assert bot.deliver_one()  # times out after 1 s: Slack may have taken it
    [letter] = letters(bot)
    assert letter.status == PENDING and letter.unsure
    deliver_all(bot)
    assert posts(fake_slack) == [] and len(waiting_for_echo(bot)) == 1  # not posted blind: waiting for the echo
    end_echo_waits(bot)  # no echo came: the hung call never posted
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1 and [x.status for x in letters(bot)] == [SENT]
    assert no_history_read(fake_slack)


def test_a_post_made_before_a_crash_is_settled_by_its_echo_not_posted_again(bot, fake_slack):
    """kill -9 after Slack posted but before the ts was recorded: the echo names the post, nothing is read."""
    request = file(bot)
    fake_slack.without_history()
    letter, reply = posted_by_a_crashed_try(bot)
    make_due(bot)
    assert bot.deliver_one()  # no echo yet: it waits for one rather than post again
    assert len(posts(fake_slack)) == 1 and bot.runtime.requests.get(request.id).message_ts is None
    echo(bot, letter, reply)
    end_echo_waits(bot)
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1
    assert bot.runtime.requests.get(request.id).message_ts == reply["ts"]
    assert fake_slack.of("chat.update")  # the post found by its echo is redrawn with the request's own text
    assert no_history_read(fake_slack)


def test_an_echo_that_came_before_the_next_claim_settles_it_at_once(bot, fake_slack):
    request = file(bot)
    letter, reply = posted_by_a_crashed_try(bot)
    echo(bot, letter, reply)
    assert not bot.outbox.echoed(letter.id, "CREQUESTS", "1.000001")  # Slack's retry of it changes nothing
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1 and bot.runtime.requests.get(request.id).message_ts == reply["ts"]
    assert waiting_for_echo(bot) == []  # nothing to wait for: the landing was stored
    assert no_history_read(fake_slack)


def test_a_letter_the_crash_cut_off_before_slack_is_sent_once_after_the_wait(bot, fake_slack):
    """Not lost: no echo comes for a call that never reached Slack, so after the wait it is sent, once."""
    file(bot)
    crashed_before_slack_took_it(bot)
    deliver_all(bot)
    assert posts(fake_slack) == []
    end_echo_waits(bot)
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1 and [x.status for x in letters(bot)] == [SENT]
    assert no_history_read(fake_slack)


def test_after_the_wait_a_refused_try_is_sure_and_is_not_kept_waiting_again(bot, fake_slack):
    """Settled (no echo came) and then refused by Slack: nothing landed at all, so the next try posts at once."""
    file(bot)
    crashed_before_slack_took_it(bot)
    deliver_all(bot)
    end_echo_waits(bot)
    fake_slack.fail("chat.postMessage", "500", times=1)
    make_due(bot)
    assert bot.deliver_one()
    [waiting] = letters(bot)
    assert waiting.status == PENDING and not waiting.unsure and waiting.echo_due is None
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1


def test_a_try_that_dies_after_the_wait_is_waited_for_again(bot, fake_slack):
    """The wait covers one try: a resend cut off by another crash may have landed too, so it is waited for anew."""
    file(bot)
    crashed_before_slack_took_it(bot)
    deliver_all(bot)
    end_echo_waits(bot)
    make_due(bot)
    letter, reply = posted_by_a_crashed_try(bot)  # the resend's claim, and its post, then a crash again
    assert letter.echo_due is not None  # it was claimed after its wait …
    make_due(bot)
    assert bot.deliver_one()
    assert len(waiting_for_echo(bot)) == 1 and len(posts(fake_slack)) == 1  # … and waits again, posting nothing
    echo(bot, letter, reply)
    end_echo_waits(bot)
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1 and {x.status for x in letters(bot)} == {SENT}  # the post, and its redraw


def test_a_dm_made_before_a_crash_is_not_sent_twice(bot, fake_slack):
    request = file(bot, confirm=True)
    fake_slack.without_history()
    bot.runtime.outbox.forget_sent()
    deliver_all(bot)  # the post, and the DM
    [dm] = [x for x in letters(bot) if x.kind == "dm"]
    assert dm.posted is not None  # where it landed, from Slack's answer
    dm_try_died_after_slack_took_it(bot)
    deliver_all(bot)
    assert len(waiting_for_echo(bot)) == 1
    assert bot.outbox.echoed(dm.id, *dm.posted)  # the echo of the DM that landed
    end_echo_waits(bot)
    deliver_all(bot)
    assert len(posts(fake_slack, "UASKER01")) == 1 and request.id == 1
    assert not fake_slack.of("conversations.open") and no_history_read(fake_slack)


def test_an_error_that_cannot_succeed_is_dead_at_once_and_reviewers_see_it(bot, fake_slack, tmp_path):
    request = file(bot)
    fake_slack.fail("chat.postMessage", "channel_not_found")
    deliver_all(bot)
    [letter] = letters(bot)
    assert (letter.status, letter.attempts, letter.last_error) == (DEAD, 1, "channel_not_found")
    listed = requests_reply(bot.runtime, "UREVIEW01", parse_command("requests"), reviewer=True)
    assert NOT_POSTED in json.dumps(listed) and f"#{request.id} vibe coding" in json.dumps(listed)

    env = {"DATA_DIR": str(bot.runtime.settings.data_dir), "PATH": "/usr/bin:/bin"}
    shown = subprocess.run([sys.executable, "-m", "bot", "outbox", "--json"], capture_output=True, text=True, env=env)
    assert shown.returncode == 0, shown.stderr
    assert [x["status"] for x in json.loads(shown.stdout)["letters"]] == ["dead"]
    fake_slack.heal()
    again = subprocess.run([sys.executable, "-m", "bot", "outbox", "--retry"], capture_output=True, text=True, env=env)
    assert "Requeued 1 dead letter" in again.stdout
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1 and letters(bot)[0].status == SENT
    assert NOT_POSTED not in json.dumps(requests_reply(bot.runtime, "U", parse_command("requests"), reviewer=True))


def test_a_failing_letter_is_retried_past_its_tries_and_dead_only_past_its_deadline(bot, fake_slack):
    file(bot)
    fake_slack.fail("chat.postMessage", "500")
    deliver_all(bot, rounds=10)  # ten failed tries, more than OUTBOX_MAX_ATTEMPTS (3) once allowed
    [letter] = letters(bot)
    assert (letter.status, letter.attempts) == (PENDING, 10)
    with bot.runtime.store.writing() as conn:  # the same letter, a day and a minute old
        conn.execute(outbox.update().values(created_at=dt.datetime.now(dt.UTC) - DEADLINE - dt.timedelta(minutes=1)))
    deliver_all(bot)
    [letter] = letters(bot)
    assert letter.status == DEAD and "deadline" in letter.last_error


def test_a_request_that_has_a_post_is_redrawn_never_posted_twice(bot, fake_slack):
    request = file(bot)
    bot.runtime.requests.set_message(request.id, "CREQUESTS", "1700000000.000100")
    deliver_all(bot)
    assert posts(fake_slack) == [] and len(fake_slack.delivered("chat.update")) == 1


def test_redraws_coalesce_and_draw_the_latest_state(bot, fake_slack):
    book = bot.runtime.requests
    request = file(bot)
    deliver_all(bot)
    for target in ("drafting", "in_review"):
        book.move(request.id, "UREVIEW01", target)
    book.assign(request.id, "UREVIEW01", "UREVIEW02")
    assert len([x for x in letters(bot, PENDING) if x.kind == LetterKind.TRIAGE_UPDATE]) == 1
    deliver_all(bot)
    [update] = fake_slack.delivered("chat.update")
    assert "In review" in json.dumps(update.body) and "UREVIEW02" in json.dumps(update.body)


def test_mcp_requests_get_a_triage_post_and_no_dm(bot, fake_slack):
    request = file(bot, user="mcp:agent", confirm=True)
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1
    assert [c.body["channel"] for c in fake_slack.delivered("chat.postMessage")] == ["CREQUESTS"]
    bot.runtime.requests.decline(request.id, "UREVIEW01", "Out of scope.")
    deliver_all(bot)
    assert [c.body["channel"] for c in fake_slack.delivered("chat.postMessage")] == ["CREQUESTS"]


def test_a_decline_and_a_duplicate_tell_the_voters_too(bot, fake_slack):
    book = bot.runtime.requests
    first = file(bot, user="UASKER01")
    file(bot, user="UVOTER01")  # a vote
    book.decline(first.id, "UREVIEW01", "Too narrow.")
    second = file(bot, term="agent washing", user="UASKER02")
    file(bot, term="agent washing", user="UVOTER02")
    book.mark_duplicate(second.id, "UREVIEW01", of_term=("fine-tuning", "fine-tuning"))
    deliver_all(bot, rounds=40)
    told = {c.body["channel"]: c.body["text"] for c in fake_slack.delivered("chat.postMessage")}
    assert "Your request #1" in told["UASKER01"] and "declined" in told["UASKER01"]
    assert "The request you voted for, #1," in told["UVOTER01"] and "declined" in told["UVOTER01"]
    assert "duplicate" in told["UASKER02"] and "The request you voted for" in told["UVOTER02"]


def test_a_failed_triage_update_tells_the_reviewer_who_clicked(bot, fake_slack):
    request = file(bot)
    deliver_all(bot)
    bot.runtime.requests.move(request.id, "UREVIEW01", "drafting")
    fake_slack.fail("chat.update", "message_not_found")
    deliver_all(bot)
    [told] = posts(fake_slack, "UREVIEW01")
    assert f"change to request #{request.id} is saved" in told.body["text"] and "message_not_found" in told.body["text"]


def test_the_worker_starts_and_stops_cleanly(bot, fake_slack):
    file(bot)
    bot.start()
    assert fake_slack.wait_for("chat.postMessage")
    bot.stop(timeout=5)
    assert not any(t.is_alive() for t in bot._threads)


def test_two_stores_on_postgresql_claim_each_letter_exactly_once(postgres_url):
    """Two instances (two engines, four threads each) claim 200 letters at once: each is held by one, once."""
    import threading

    from bot.state.outbox import Outbox
    from bot.state.store import Store

    stores = [Store(postgres_url), Store(postgres_url)]
    boxes = [Outbox(s) for s in stores]
    for i in range(200):
        boxes[0].send(LetterKind.MESSAGE, {"channel": "C1", "message": {"text": str(i)}})
    claimed: list[tuple[str, int]] = []
    lock = threading.Lock()

    def claimer(box, name):
        while (letter := box.claim(name, dt.timedelta(minutes=5))) is not None:
            with lock:
                claimed.append((name, letter.id))

    threads = [threading.Thread(target=claimer, args=(b, f"{n}/{k}")) for n, b in enumerate(boxes) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for s in stores:
        s.close()
    ids = [letter_id for _, letter_id in claimed]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 200
    assert len({name.split("/")[0] for name, _ in claimed}) == 2  # both instances took part


def test_settings_reject_a_bad_outbox_value():
    from bot.config import SettingsError

    with pytest.raises(SettingsError, match="OUTBOX_MAX_ATTEMPTS"):
        Settings.from_env({"OUTBOX_MAX_ATTEMPTS": "0"})
    with pytest.raises(SettingsError, match="OUTBOX_ECHO_WAIT_SECONDS must be a positive number, not 'soon'"):
        Settings.from_env({"OUTBOX_ECHO_WAIT_SECONDS": "soon"})
    assert Settings.from_env({}).outbox_echo_wait_seconds == 420.0  # past Slack's last retry of an event
    assert replace(Settings(), outbox_max_attempts=5).outbox_max_attempts == 5


def test_a_letter_whose_lease_ran_short_before_its_call_goes_back_as_sure_as_it_was(bot, fake_slack):
    """No call was made (a slow database ate the lease): nothing can have landed, so no echo is waited for."""
    file(bot)
    letter = bot.outbox.claim("w", bot.lease)
    bot._attempt(letter, "w", deadline=0.0, hold=0.25)  # the lease's margin already passed
    [back] = letters(bot)
    assert (back.status, back.unsure, back.echo_due) == (PENDING, False, None) and posts(fake_slack) == []
    deliver_all(bot)
    assert len(posts(fake_slack)) == 1


def _with_tokens(delivery, tokens):
    """The same worker as a several-workspace install runs it: each letter with its team's token."""
    other = Delivery(delivery.runtime, delivery.client, request_letters, tokens=tokens)
    other.pacer = delivery.pacer
    return other


def test_a_letter_refused_with_a_token_since_replaced_goes_again_with_the_new_one(bot, fake_slack):
    # The team's token was refreshed (or the app reinstalled) between this try's read and Slack's answer.
    read = []

    def tokens(team):
        read.append(team)
        return "xoxb-old-not-real" if len(read) == 1 else "xoxb-new-not-real"

    delivery = _with_tokens(bot, tokens)
    file(delivery)
    fake_slack.fail("chat.postMessage", "invalid_auth", times=1)
    deliver_all(delivery)
    [letter] = letters(delivery)
    tried = [c.headers.get("Authorization") for c in fake_slack.of("chat.postMessage")]
    assert letter.status == SENT and tried == ["Bearer xoxb-old-not-real", "Bearer xoxb-new-not-real"]


def test_a_letter_refused_with_its_teams_current_token_is_dead_at_once(bot, fake_slack):
    delivery = _with_tokens(bot, lambda team: "xoxb-same-not-real")
    file(delivery)
    fake_slack.fail("chat.postMessage", "invalid_auth")
    deliver_all(delivery)
    [letter] = letters(delivery)
    assert (letter.status, letter.attempts, letter.last_error) == (DEAD, 1, "invalid_auth")
