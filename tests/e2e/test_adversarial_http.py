"""A few adversarial inputs over real HTTP with the production setting (listeners on Bolt's thread pool):
the reply is well-formed, nothing is logged as an error while the listener finishes, nothing is injected."""

from __future__ import annotations

import contextlib
import json

import pytest
from adversarial import JSON, no_errors_logged
from test_connection_limits import CAP, capped_web, closed_by_server, settle  # noqa: F401 - capped_web: a fixture
from test_mcp_sessions import call, mcp, open_session  # noqa: F401 - mcp: a fixture

from bot.mcp import sessions

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


# --- floods (issue 19): bounded, against the real web process and the real MCP endpoint ---------------------------


@pytest.mark.slow
def test_a_flood_of_silent_half_sent_and_garbage_connections_leaves_the_web_process_serving(capped_web):  # noqa: F811
    import socket

    port, _ = capped_web
    settle(port)
    sends = (b"", b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Le", b"\x16\x03\x01\x00\xa5\x01\x00" * 20)
    socks = []
    for i in range(CAP * 4):  # bounded: 48 sockets, a third of each kind
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        with contextlib.suppress(OSError):
            sock.sendall(sends[i % 3])
        socks.append(sock)
    try:
        answers = [closed_by_server(s, timeout=0.2) for s in socks]
    finally:
        for s in socks:
            s.close()
    assert sum(1 for a in answers if a and a.startswith(b"HTTP/1.1 503")) >= CAP, "past the cap: refused at once"
    settle(port)  # and it serves again once they are gone


@pytest.mark.slow
def test_a_session_flood_with_forged_ids_does_not_lock_out_another_client(mcp):  # noqa: F811
    forged = [
        call(mcp, "POST", {"Authorization": "Bearer flood", "mcp-session-id": f"forged-{i}"}, b"{}") for i in range(10)
    ]
    deleted = [call(mcp, "DELETE", {"Authorization": "Bearer flood", "mcp-session-id": f"gone-{i}"}) for i in range(5)]
    assert {r.status for r in forged} <= {400, 404} and {r.status for r in deleted} <= {400, 404}
    opened = [open_session(mcp, "flood")[0] for _ in range(sessions.PER_CLIENT + 4)]
    assert opened.count(200) <= sessions.PER_CLIENT and 429 in opened
    assert open_session(mcp, "bystander")[0] == 200
