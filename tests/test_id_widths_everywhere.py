"""Every id column that holds a Slack or MCP person is as wide as what is accepted (issue 19, revision 0012), and a
longer id is refused before anything is written, with a clear message on the Slack side."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from adversarial import build_app, call
from e2e.harness import FakeSlack, block_action, command_body, interaction_body
from sqlalchemy import func, select
from test_request_id_widths import open_runtime

from bot.runtime import Runtime
from bot.slack.requests.filing import file_request
from bot.state.schema import preferences, term_feedback, term_verifications
from bot.term_requests.rules import PERSON_MAX, PersonRefused, RequestForm

WIDEST = "W" + "9" * (PERSON_MAX - 1)  # a Slack id as long as the columns hold (Slack's are about 11 today)
TOO_LONG = "U" * (PERSON_MAX + 1)


def rows(runtime: Runtime, table) -> int:
    with runtime.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_widest_accepted_id_is_stored_in_every_person_column_on_both_databases(tmp_path, state_url):
    runtime = open_runtime(tmp_path, state_url)
    term = next(iter(runtime.glossary.terms.values()))
    runtime.set_framing(WIDEST, None)
    runtime.record_feedback(WIDEST, term.slug, helpful=True)
    runtime.governance.verify(term, WIDEST)
    assert (rows(runtime, preferences), rows(runtime, term_feedback), rows(runtime, term_verifications)) == (1, 1, 1)
    runtime.store.close()


def test_a_longer_id_is_refused_before_anything_is_written(tmp_path, state_url):
    runtime = open_runtime(tmp_path, state_url)
    term = next(iter(runtime.glossary.terms.values()))
    for write in (
        lambda: runtime.set_framing(TOO_LONG, None),
        lambda: runtime.record_feedback(TOO_LONG, term.slug, helpful=False),
        lambda: runtime.governance.verify(term, TOO_LONG),
    ):
        with pytest.raises(PersonRefused, match=f"1 to {PERSON_MAX} characters"):
            write()
    assert (rows(runtime, preferences), rows(runtime, term_feedback), rows(runtime, term_verifications)) == (0, 0, 0)
    runtime.store.close()


def test_a_request_form_from_an_over_long_slack_id_says_so_in_the_modal_and_files_nothing(tmp_path):
    runtime = open_runtime(tmp_path, f"sqlite:///{tmp_path / 'state.db'}")
    ack = Mock()
    file_request(ack, runtime, RequestForm(term="mixture of experts", why="Vendor."), TOO_LONG)
    view = ack.call_args.kwargs["view"]
    assert ack.call_args.kwargs["response_action"] == "update"
    assert view["title"]["text"] == "Request not sent"
    text = view["blocks"][0]["text"]["text"]
    assert f"1 to {PERSON_MAX} characters" in text and "Nothing was saved" in text
    assert runtime.requests.count() == 0 and runtime.outbox.letters() == []
    runtime.store.close()


def test_a_command_or_click_from_an_over_long_slack_id_is_refused_before_any_listener(tmp_path):
    fake = FakeSlack().start()
    wsgi = build_app(tmp_path, fake.api_url)
    try:
        answer = call(wsgi, command_body("framing exec", user=TOO_LONG))
        assert answer.status == 200
        reply = answer.json()
        assert reply["response_type"] == "ephemeral"
        assert f"at most {PERSON_MAX}" in reply["text"] and "Nothing was saved" in reply["text"]
        click = block_action("home_framing", None, user=TOO_LONG, selected={"selected_option": {"value": "exec"}})
        assert call(wsgi, interaction_body(click)).status == 200
        assert rows(wsgi.runtime, preferences) == 0
        assert fake.api_calls() == []  # nothing answered, nothing published
    finally:
        wsgi.runtime.store.close()
        fake.stop()
