"""Listener handlers called directly, as Bolt would call them: mocked ack/respond/say, the bot's Deps in the
context. No HTTP, no fake Slack server: what each handler acks or responds with, and what it stores."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.config import Settings
from bot.glossary.model import Framing
from bot.runtime import Runtime
from bot.slack import router
from bot.slack.assistant.handlers import on_agent_message
from bot.slack.cards import buttons
from bot.slack.kit.card_state import CardState
from bot.slack.kit.deps import Deps
from bot.slack.kit.messages import TERM_GONE
from bot.slack.kit.reviewers import Reviewers

BOT = "UBOT0001"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    settings = Settings(
        glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path_factory.mktemp("handlers")
    )
    runtime = Runtime.open(settings)
    yield runtime
    runtime.store.close()


@pytest.fixture
def context(runtime):
    reviewers = Reviewers(Mock(WebClient), ("UREVIEW01",))
    return BoltContext({"deps": Deps(runtime, reviewers), "bot_user_id": BOT})


def clicked(value: str, *, user: str = "UCLICK01", ephemeral: bool = True) -> tuple[dict, dict]:
    body = {"user": {"id": user}, "container": {"is_ephemeral": ephemeral}}
    return body, {"value": value}


def only_call(mock: Mock) -> dict:
    mock.assert_called_once()
    return mock.call_args.kwargs


def test_define_answers_in_the_ack_privately(context):
    ack, client = Mock(Ack), Mock(WebClient)
    router.define(ack=ack, command={"text": "fine-tuning", "user_id": "UASK0001"}, client=client, context=context)
    reply = only_call(ack)
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"] == "fine-tuning"
    client.views_open.assert_not_called()  # an answer costs no Web API call


def test_define_request_acks_then_opens_the_modal(context):
    ack, client = Mock(Ack), Mock(WebClient)
    command = {"text": "request vibe coding", "user_id": "UASK0001", "trigger_id": "trig-9"}
    router.define(ack=ack, command=command, client=client, context=context)
    ack.assert_called_once_with()
    assert only_call(client.views_open)["trigger_id"] == "trig-9"


def test_define_requests_is_for_reviewers_only(context):
    ack = Mock(Ack)
    router.define(ack=ack, command={"text": "requests", "user_id": "UASK0001"}, client=Mock(WebClient), context=context)
    assert "Only glossary reviewers" in only_call(ack)["text"]


def test_a_button_redraws_a_private_card_in_place(context):
    ack, respond = Mock(Ack), Mock(Respond)
    body, action = clicked(CardState("fine-tuning", Framing.ENGINEER).encode())
    buttons.open_term(ack=ack, body=body, action=action, respond=respond, context=context)
    ack.assert_called_once_with()
    reply = only_call(respond)
    assert reply["replace_original"] is True and reply["blocks"][0]["text"]["text"] == "fine-tuning"
    assert "For engineers" in str(reply["blocks"]) and "For executives" not in str(reply["blocks"])


def test_a_button_for_a_vanished_term_answers_privately_under_a_public_card(context):
    respond = Mock(Respond)
    body, action = clicked(CardState("no-such-term").encode(), ephemeral=False)
    buttons.open_term(ack=Mock(Ack), body=body, action=action, respond=respond, context=context)
    reply = only_call(respond)
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert reply["text"] == TERM_GONE


def test_always_show_me_this_one_stores_the_framing_through_the_runtime(context, runtime):
    body, action = clicked(CardState("rag", Framing.EXEC).encode(), user="USAVE002")
    buttons.save_framing(ack=Mock(Ack), body=body, action=action, respond=Mock(Respond), context=context)
    assert runtime.store.preference("USAVE002").framing == "exec"


def test_a_tampered_save_stores_nothing(context, runtime):
    respond = Mock(Respond)
    body, action = clicked("not json", user="USAVE003")
    buttons.save_framing(ack=Mock(Ack), body=body, action=action, respond=respond, context=context)
    assert runtime.store.preference("USAVE003").framing is None
    assert only_call(respond)["text"] == TERM_GONE


def _new_letters(runtime, before: int) -> list:
    return [x for x in runtime.outbox.letters() if x.id > before]


def _last_letter(runtime) -> int:
    return max((x.id for x in runtime.outbox.letters()), default=0)


def test_a_mention_is_answered_in_its_thread(context, runtime):
    """The answer is an outbox letter (never a Web API call on the listener's thread), ready to send as it is."""
    before = _last_letter(runtime)
    event = {"text": f"<@{BOT}> what is RAG?", "user": "UASK0001", "ts": "1.5", "channel": "C0000001"}
    router.on_mention(event=event, context=context)
    [letter] = _new_letters(runtime, before)
    reply = letter.payload["message"]
    assert letter.payload["thread_ts"] == "1.5" and letter.payload["channel"] == "C0000001"
    assert reply["blocks"][0]["text"]["text"] == "retrieval-augmented generation"


@pytest.mark.parametrize(
    ("user", "reads"),
    [("UREVIEW01", "Lookups in the last 7 days"), ("UASK0001", "Only glossary reviewers can see lookup statistics")],
)
def test_stats_by_mention_is_the_stats_report_privately_as_by_slash_command(context, runtime, user, reads):
    """`@glossary stats 7` means `/define stats 7` (it was once looked up as a term): the report for a reviewer,
    a refusal for anyone else, each seen by the asker only (an ephemeral in the thread, never a public letter)."""
    before, client = _last_letter(runtime), Mock(WebClient)
    event = {"text": f"<@{BOT}> stats 7", "user": user, "ts": "1.5", "channel": "C0000001"}
    router.on_mention(event=event, context=BoltContext({**context, "client": client}))
    posted = only_call(client.chat_postEphemeral)
    assert posted["user"] == user and posted["thread_ts"] == "1.5"
    assert posted["text"].startswith(reads)
    assert _new_letters(runtime, before) == []
    ack = Mock(Ack)
    router.define(ack=ack, command={"text": "stats 7", "user_id": user}, client=Mock(WebClient), context=context)
    assert only_call(ack)["text"] == posted["text"]  # the same answer on both surfaces


@pytest.mark.parametrize(
    "event",
    [
        {"channel_type": "im", "subtype": "message_changed", "text": "rag"},
        {"channel_type": "im", "bot_id": "BOTHER", "text": "rag"},
        {"channel_type": "channel", "user": "U1", "text": "rag"},
    ],
)
def test_only_a_persons_own_dm_is_answered(context, runtime, event):
    before = _last_letter(runtime)
    on_agent_message(event={"ts": "1.1", "channel": "D1", **event}, client=Mock(WebClient), context=context)
    assert _new_letters(runtime, before) == []


def test_card_state_survives_the_round_trip_and_refuses_what_we_did_not_write():
    state = CardState("prompt <injection>", Framing.ENGINEER, expanded=True)
    assert "<" not in state.encode()
    assert CardState.decode(state.encode()) == state
    assert CardState.decode('{"s":"rag","f":"ceo","x":0}') == CardState("rag")  # an unknown framing shows both
    for tampered in (None, "", "not json", "[1]", '{"f":"exec"}', '{"s":7}'):
        assert CardState.decode(tampered) is None


@pytest.mark.parametrize("days", ["9999", "365", "91", "0", "-1", "seven"])
def test_stats_days_outside_the_kept_lookups_are_refused_with_the_range(context, days):
    """Lookups are kept LOOKUP_RETENTION_DAYS (90 here): `/define stats 365` once became 90 without a word."""
    ack = Mock(Ack)
    router.define(
        ack=ack, command={"text": f"stats {days}", "user_id": "UREVIEW01"}, client=Mock(WebClient), context=context
    )
    text = only_call(ack)["text"]
    assert "a number of days from 1 to 90 (lookups are kept 90 days)" in text and "Lookups in the last" not in text
