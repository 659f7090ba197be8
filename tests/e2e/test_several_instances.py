"""Two instances sharing PostgreSQL for their state: one answer per event, one set of preferences."""

from __future__ import annotations

import json

from .harness import BOT_USER, command_body, event_body, signed_post


def test_two_instances_share_state_on_postgresql(make_server, fake_slack, postgres_url, tmp_path):
    a = make_server(database_url=postgres_url, data_dir=tmp_path / "a")
    b = make_server(database_url=postgres_url, data_dir=tmp_path / "b")  # its own glossary copy, shared state
    assert a.runtime.store.dialect == b.runtime.store.dialect == "postgresql"

    event = {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER}> rag", "ts": "1.1", "channel": "C1"}
    for server in (a, b, a):  # Slack's retries may land on any instance
        reply = signed_post(server.url + "/slack/events", event_body(event, event_id="EvShared"), "application/json")
        assert reply.status == 200
    fake_slack.wait_for("chat.postMessage")

    signed_post(a.url + "/slack/events", command_body("set exec", user="UBOTH001"), "application/x-www-form-urlencoded")
    reply = signed_post(
        b.url + "/slack/events", command_body("fine-tuning", user="UBOTH001"), "application/x-www-form-urlencoded"
    )
    shown = json.dumps(reply.json()["blocks"])
    assert "For executives" in shown and "For engineers" not in shown
    assert len(fake_slack.of("chat.postMessage")) == 1
