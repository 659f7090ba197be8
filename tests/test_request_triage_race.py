"""A vote that arrives while the first request's triage post is still being recorded shows on the post.

The race as Slack delivers it: the first submission is acked, then (by the outbox's worker) the triage post
is sent and its ts recorded. A second person's submission that runs to the end in between finds no
message to redraw. Here the fake Slack runs that second submission *inside* chat.postMessage, before
it answers, so the interleaving happens every time instead of on a busy machine now and then."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.config import Settings
from bot.glossary.live import LiveGlossary
from bot.glossary.roles import load_roles
from bot.runtime import Runtime
from bot.slack.kit.deps import Deps
from bot.slack.kit.reviewers import Reviewers
from bot.slack.outbox.delivery import Delivery
from bot.slack.requests import letters as request_letters
from bot.slack.requests.filing import submit
from bot.state.outbox import LetterKind, Outbox
from bot.state.store import Store

CHANNEL = "CREQUESTS"


class FakeSlack:
    """Records what the bot sends; `while_posting` runs before the triage post's reply comes back,
    `while_updating` before a redraw reaches Slack (as if its call were slow on the way)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []
        self.while_posting: Callable[[], None] | None = None
        self.while_updating: Callable[[], None] | None = None

    def chat_postMessage(self, *, channel: str, **message):  # noqa: N802 - slack_sdk's name
        self.sent.append(("chat.postMessage", channel, message))
        if channel == CHANNEL and self.while_posting:
            run, self.while_posting = self.while_posting, None
            run()
        return {"ok": True, "channel": channel, "ts": "1700000000.000100"}

    def chat_update(self, *, channel: str, ts: str, **message):
        if self.while_updating:  # before this call is recorded: what runs meanwhile reaches Slack first
            run, self.while_updating = self.while_updating, None
            run()
        self.sent.append(("chat.update", channel, message))
        return {"ok": True, "channel": channel, "ts": ts}

    def triage_drawings(self) -> list[str]:
        """Every version of the triage post, oldest first, as JSON text."""
        return [json.dumps(m["blocks"]) for _, channel, m in self.sent if channel == CHANNEL]


@pytest.fixture
def runtime(state_url, tmp_path):
    settings = Settings(
        glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path, requests_channel=CHANNEL
    )
    store = Store(state_url)
    yield Runtime(settings, LiveGlossary(settings.glossary_dir, settings.glossary_db), store, load_roles(BUNDLED_ROLES))
    store.close()


def file_through_slack(runtime: Runtime, slack: FakeSlack, user: str, *, send: bool = True) -> None:
    view = {
        "private_metadata": '{"k":"new","s":""}',
        "state": {
            "values": {
                "req_term": {"value": {"type": "plain_text_input", "value": "prompt golf"}},
                "req_why": {"value": {"type": "plain_text_input", "value": "It came up in planning."}},
            }
        },
    }
    acks: list[dict] = []
    context = {"deps": Deps(runtime, Reviewers(slack, ()))}  # type: ignore[arg-type]
    submit(ack=lambda **kw: acks.append(kw), body={"user": {"id": user}}, view=view, context=context)
    assert acks and acks[0]["response_action"] == "update", acks
    if send:
        deliver(runtime, slack)


def deliver(runtime: Runtime, slack: FakeSlack) -> None:
    """The outbox's worker, one letter at a time, until nothing is due: the post (and any redraw) is sent."""
    delivery = Delivery(runtime, slack, request_letters)  # type: ignore[arg-type]
    while delivery.deliver_one():
        pass


def test_a_vote_filed_before_the_triage_post_is_recorded_shows_on_the_post(runtime):
    slack = FakeSlack()
    # The vote commits (with its redraw letter) while the post is on its way; the worker sends what follows.
    slack.while_posting = lambda: file_through_slack(runtime, slack, "UVOTER01", send=False)
    file_through_slack(runtime, slack, "UASKER01")

    request = runtime.requests.get(1)
    assert request.votes == 2 and request.message_ts == "1700000000.000100"
    drawings = slack.triage_drawings()
    assert '"*Votes*\\n1"' in drawings[0]  # posted as filed, before the vote
    assert '"*Votes*\\n2"' in drawings[-1]  # and redrawn with it, not left for the next change


def test_a_vote_after_the_post_is_recorded_redraws_it_once(runtime):
    slack = FakeSlack()
    file_through_slack(runtime, slack, "UASKER01")
    file_through_slack(runtime, slack, "UVOTER01")
    drawings = slack.triage_drawings()
    assert len(drawings) == 2 and '"*Votes*\\n2"' in drawings[1]


def test_nothing_changed_while_posting_means_no_redraw(runtime):
    slack = FakeSlack()
    file_through_slack(runtime, slack, "UASKER01")
    assert [method for method, channel, _ in slack.sent if channel == CHANNEL] == ["chat.postMessage"]


def test_a_redraw_written_while_another_is_on_its_way_waits_for_it(runtime):
    """Two delivery threads must not send one post's redraws side by side: each draws the post when it sends,
    and the one drawn first could reach Slack last, leaving the post showing the older state. Here a third vote
    commits while the second vote's redraw is on its way, and another thread looks for work at that moment."""
    slack = FakeSlack()
    file_through_slack(runtime, slack, "UASKER01")
    file_through_slack(runtime, slack, "UVOTER01", send=False)  # its redraw waits, drawn with 2 votes when sent

    def meanwhile() -> None:
        file_through_slack(runtime, slack, "UVOTER02", send=False)  # a redraw of its own: the first is held
        other = Delivery(runtime, slack, request_letters)  # type: ignore[arg-type]
        while other.deliver_one("other-thread"):  # what it may take (the voter's note), not the held post's redraw
            pass

    slack.while_updating = meanwhile
    deliver(runtime, slack)

    assert runtime.requests.get(1).votes == 3
    drawings = slack.triage_drawings()
    assert len(drawings) == 3  # the post, the second vote's redraw, then the third's
    assert '"*Votes*\\n2"' in drawings[1] and '"*Votes*\\n3"' in drawings[2]  # the latest state lands last


def test_a_redraw_is_claimed_again_when_the_one_ahead_of_it_was_let_go(state_url):
    """The rule at the claim: a held redraw keeps the next one of its request back (not other requests'); once
    it is sent, or its holder's lease runs out, the next is claimable."""
    store = Store(state_url)
    box = Outbox(store)
    lease = dt.timedelta(minutes=5)
    try:

        def redraw(request_id: int) -> int | None:
            with store.writing() as conn:
                return box.add(conn, LetterKind.TRIAGE_UPDATE, {"request_id": request_id}, request_id=request_id)

        first = redraw(7)
        assert [x.id for x in box.claim_batch("a", lease)] == [first]
        second, elsewhere = redraw(7), redraw(8)
        assert second is not None  # the first is held, so the second is a letter of its own
        assert [x.id for x in box.claim_batch("b", lease)] == [elsewhere]
        box.sent(first, "a")
        assert [x.id for x in box.claim_batch("b", lease)] == [second]

        third = redraw(7)
        assert third is not None and box.claim_batch("c", lease) == []  # behind the second, held by "b"
        gone = redraw(9)
        assert [x.id for x in box.claim_batch("dies", dt.timedelta(seconds=-1))] == [gone]  # a lease already over
        after = redraw(9)
        assert after is not None and [x.id for x in box.claim_batch("c", lease)] == [gone, after]  # in order
    finally:
        store.close()
