"""A vote that arrives while the first request's triage post is still being recorded shows on the post.

The race as Slack delivers it: the first submission is acked, then (by the outbox's worker) the triage post
is sent and its ts recorded. A second person's submission that runs to the end in between finds no
message to redraw. Here the fake Slack runs that second submission *inside* chat.postMessage, before
it answers, so the interleaving happens every time instead of on a busy machine now and then."""

from __future__ import annotations

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
from bot.state.store import Store

CHANNEL = "CREQUESTS"


class FakeSlack:
    """Records what the bot sends; `while_posting` runs before the triage post's reply comes back."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []
        self.while_posting: Callable[[], None] | None = None

    def chat_postMessage(self, *, channel: str, **message):  # noqa: N802 - slack_sdk's name
        self.sent.append(("chat.postMessage", channel, message))
        if channel == CHANNEL and self.while_posting:
            run, self.while_posting = self.while_posting, None
            run()
        return {"ok": True, "channel": channel, "ts": "1700000000.000100"}

    def chat_update(self, *, channel: str, ts: str, **message):
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
