"""Unsigned, oversized and malformed requests: a clean 4xx, one log line without the body, and Bolt never sees
them. Signed but odd ones (an event id too long for the column) are answered, not a 500."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time

import pytest

from .harness import command_body, event_body, http, signed_post

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def events(server):
    return server.url + "/slack/events"


@pytest.mark.parametrize(
    ("body", "content_type", "headers"),
    [
        (b"{not json", JSON, {}),
        (b"payload=%7Bbroken", FORM, {}),
        (b"\xff\xfe\x00garbage", FORM, {}),
        (b"[1, 2, 3]", JSON, {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "0"}),
        (b"command=%2Fdefine&text=rag", FORM, {"X-Slack-Signature": "nonsense", "X-Slack-Request-Timestamp": "x"}),
    ],
    ids=["bad-json", "bad-payload", "not-utf8", "json-array-stale", "non-numeric-timestamp"],
)
def test_five_kinds_of_unsigned_garbage_get_401_not_500(server, fake_slack, caplog, body, content_type, headers):
    with caplog.at_level(logging.INFO):
        reply = http("POST", events(server), body, {"Content-Type": content_type, **headers})
    assert reply.status == 401
    assert fake_slack.api_calls() == []
    assert not [r for r in caplog.records if r.exc_info], "a refusal is not an exception"


def test_non_numeric_timestamp_with_a_good_looking_signature_is_401(server, fake_slack):
    reply = signed_post(events(server), command_body("rag"), FORM, headers={"X-Slack-Request-Timestamp": "1e9"})
    assert reply.status == 401 and fake_slack.api_calls() == []


def raw(server, head: bytes, body: bytes = b"") -> bytes:
    """Send a request by hand and read the status line; the server may answer before the body is all sent."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        with contextlib.suppress(OSError):
            sock.sendall(body)
        return sock.recv(1000)


def test_forged_ten_megabyte_body_is_413_and_never_reaches_the_log(server, caplog):
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode()
    head += b"\r\nContent-Length: 10000008\r\n\r\n"
    with caplog.at_level(logging.DEBUG):
        answer = raw(server, head, b"payload=" + b"A" * 10_000_000)
    assert answer.split(b" ")[1] == b"413"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "AAAAAAAAAA" not in logged
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and "\n" not in refusals[0].getMessage() and "10000008" in refusals[0].getMessage()


def test_signed_but_malformed_payload_is_400(server, fake_slack):
    reply = signed_post(events(server), "payload=" + "%7Bnot%20json", FORM)
    assert reply.status == 400
    reply = signed_post(events(server), json.dumps({"type": "block_actions", "user": 5, "actions": "x"}), JSON)
    assert reply.status == 400 and fake_slack.api_calls() == []


def test_a_bad_content_length_is_400(server):
    answer = raw(
        server, b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\nConnection: close\r\n\r\n"
    )
    assert answer.split(b" ")[1] == b"400"


def test_event_id_over_64_characters_is_answered_once(make_server, postgres_url, fake_slack):
    server = make_server(database_url=postgres_url)
    event = {"type": "app_mention", "user": "UASKER01", "text": "<@UBOT0001> rag", "channel": "C1", "ts": "1.1"}
    long_id = "Ev" + "9" * 200
    first = signed_post(events(server), event_body(event, event_id=long_id), JSON)
    again = signed_post(events(server), event_body(event, event_id=long_id), JSON)
    assert first.status == 200 and again.status == 200
    fake_slack.wait_for("chat.postMessage")
    time.sleep(0.3)  # a second answer would come from a listener thread; give it the chance to be wrong
    assert len(fake_slack.of("chat.postMessage")) == 1
