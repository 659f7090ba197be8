"""A few adversarial inputs over real HTTP with the production setting (listeners on Bolt's thread pool):
the reply is well-formed, nothing is logged as an error while the listener finishes, nothing is injected."""

from __future__ import annotations

import json

import pytest
from adversarial import JSON, no_errors_logged

from .harness import block_action, event_body, interaction_body, signed_post, view_submission

FORM = "application/x-www-form-urlencoded"


def test_a_hostile_mention(server, fake_slack):
    event = {"type": "app_mention", "user": "UASKER01", "text": "<@UBOT0001> " + "\x00<!channel>" * 500, "ts": "1.1"}
    event["channel"] = "C1"
    with no_errors_logged():
        reply = signed_post(server.url + "/slack/events", event_body(event, event_id="EvHttp1"), JSON)
        # Nothing but markup and control characters asks for no term: small talk, answered to the asker only.
        posted = fake_slack.wait_for("chat.postEphemeral")
    assert reply.status == 200
    assert "<!channel>" not in json.dumps(posted[0].body)
    assert fake_slack.of("chat.postMessage") == []


@pytest.mark.parametrize("value", ["9" * 40, "9" * 5000, "-3", "١٢", "{}", "2147483648"])
def test_a_triage_click_with_a_malformed_request_number_gets_a_private_reply(
    make_server, postgres_url, fake_slack, value
):
    server = make_server(database_url=postgres_url)
    action = block_action(
        "triage:assign",
        value,
        user="UREVIEW01",
        ephemeral=False,
        channel="CREQUESTS",
        response_url=fake_slack.response_url("huge"),
    )
    with no_errors_logged():
        reply = signed_post(server.url + "/slack/events", interaction_body(action), FORM)
        answered = fake_slack.wait_for("/respond/huge")
    assert reply.status == 200
    assert "request" in answered[0].body["text"].lower()


def test_a_tampered_view_submission(server, fake_slack):
    view = view_submission("decline_request", {"decline_reason": {"value": {"type": "x"}}}, user="UREVIEW01")
    view["view"]["private_metadata"] = '{"r": "' + "9" * 100 + '"}'
    with no_errors_logged():
        reply = signed_post(server.url + "/slack/events", interaction_body(view), FORM)
    assert reply.status == 200 and reply.json()["response_action"] == "errors"
