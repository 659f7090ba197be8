"""Slack's echo of an outbox post (message_metadata_posted) through the real HTTP app: it stores where the letter
landed (only this app's own posts count: echoed_letter); and a server whose worker finds an unsure letter settles
it by that echo, never by reading the channel."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import insert, select, update

from bot.slack.outbox.letters import echoed_letter
from bot.slack.outbox.letters import metadata as letter_metadata
from bot.state.outbox import SENT, LetterKind
from bot.state.schema import outbox

from .harness import echo_body, signed_post, wait_until


def landing(runtime, letter_id):
    with runtime.store.engine.connect() as conn:
        row = conn.execute(select(outbox.c.sent_channel, outbox.c.sent_ts).where(outbox.c.id == letter_id)).one()
    return tuple(row) if row.sent_ts else None


def held_by_a_dead_process(runtime, seconds):
    """A letter claimed by a process that then died, its lease running `seconds` more: written already held, so
    the server's own worker cannot take it first."""
    now = dt.datetime.now(dt.UTC)
    with runtime.store.writing() as conn:
        written = conn.execute(
            insert(outbox).values(
                kind=LetterKind.MESSAGE,
                payload=json.dumps({"channel": "CGENERAL", "message": {"text": "an answer"}}),
                status="sending",
                attempts=1,
                unsure=True,
                claimed_by="dead-process",
                claimed_until=now + dt.timedelta(seconds=seconds),
                due_at=now,
                last_error="",
                created_at=now,
                updated_at=now,
                **runtime.store.team.row(),  # the server's own team, as its letters are written
            )
        )
    return written.inserted_primary_key[0]


def post_echo(server, message, channel="CGENERAL", **changes):
    body = json.loads(echo_body(message, channel))
    body["event"].update(changes)
    return signed_post(server.url + "/slack/events", json.dumps(body), "application/json")


def test_the_echo_of_our_post_stores_where_it_landed(make_server):
    """Through Bolt: its filter of the bot's own events lets this one through (KeepEchoes)."""
    server = make_server(outbox_lease_seconds=600.0)  # the dead process's lease outlives the test
    letter_id = held_by_a_dead_process(server.runtime, 600)
    message = {"ts": "1700000900.000100", "metadata": letter_metadata(letter_id)}
    assert post_echo(server, message).status == 200
    assert wait_until(lambda: landing(server.runtime, letter_id) == ("CGENERAL", "1700000900.000100"))
    assert post_echo(server, message).status == 200  # Slack's retry of the same event: acknowledged, no change


def test_echoes_are_read_only_from_our_own_metadata():
    mark = letter_metadata(7)
    event = {"app_id": "A1", "channel_id": "C1", "message_ts": "1.2", "metadata": mark}
    assert echoed_letter(event, "A1") == (7, "C1", "1.2")
    assert echoed_letter(event, "A2") is None and echoed_letter(event, None) is None
    assert echoed_letter({**event, "metadata": {"event_type": "task_created", "event_payload": {}}}, "A1") is None
    assert echoed_letter({**event, "metadata": {**mark, "event_payload": {"letter": "7"}}}, "A1") is None
    assert echoed_letter({**event, "message_ts": None}, "A1") is None


def test_a_server_settles_a_letter_cut_off_by_a_crash_by_its_echo_and_posts_nothing(make_server, fake_slack):
    """The crash case end to end: the dead process's post reaches Slack, Slack echoes it to the server, and the
    server's worker, claiming the letter once the lease runs out, finds it landed: one post, no history read."""
    server = make_server()
    fake_slack.without_history().echo_to(server.url + "/slack/events")
    letter_id = held_by_a_dead_process(server.runtime, 600)
    server.wsgi.bot.delivery.client.chat_postMessage(
        channel="CGENERAL", text="an answer", metadata=letter_metadata(letter_id)
    )
    assert wait_until(lambda: landing(server.runtime, letter_id) is not None)
    with server.runtime.store.writing() as conn:  # the dead process's lease runs out
        conn.execute(update(outbox).where(outbox.c.id == letter_id).values(claimed_until=dt.datetime(2000, 1, 1)))
    server.runtime.outbox.wake()
    assert wait_until(lambda: [x.status for x in server.runtime.outbox.letters((SENT,))] == [SENT])
    assert len(fake_slack.delivered("chat.postMessage")) == 1
    assert not fake_slack.of("conversations.history") and not fake_slack.of("conversations.replies")
