"""MCP sessions over HTTP (issue 19): one client opening a session per call is capped without locking anyone else
out, a closed or idle session frees its place, and an endpoint on a chosen loopback address (127.0.0.2) checks
the Host header (DNS rebinding) and needs a token. The real app (`http_app`) on a real uvicorn server.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading

import pytest
import uvicorn
from e2e.harness import wait_until
from paths import BUNDLED_TERMS
from test_serve import free_port

from bot.config import Settings
from bot.mcp import sessions
from bot.mcp.auth import NoTokenError, check_can_serve
from bot.mcp.connections import server_config
from bot.mcp.server import build_server, http_app
from bot.runtime import Runtime

WAIT = 60.0
INITIALIZE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
).encode()


def serve(tmp_path, host: str):
    runtime = Runtime.open(Settings(glossary_dir=BUNDLED_TERMS, data_dir=tmp_path / "var"))
    port = free_port()
    server = uvicorn.Server(server_config(http_app(build_server(runtime), runtime, host), "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: _listening(port), timeout=WAIT)
    return port, server, thread, runtime


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def mcp(tmp_path_factory):
    port, server, thread, runtime = serve(tmp_path_factory.mktemp("sessions"), "127.0.0.1")
    yield port
    server.should_exit = True
    thread.join(timeout=WAIT)
    runtime.store.close()


def call(port: int, method: str, headers: dict[str, str], body: bytes | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    conn.request(method, "/mcp", body=body, headers=base | headers)
    reply = conn.getresponse()
    reply.read()
    conn.close()
    return reply


def open_session(port: int, who: str, host: str | None = None) -> tuple[int, str | None]:
    headers = {"Authorization": f"Bearer {who}"} | ({"Host": host} if host else {})
    reply = call(port, "POST", headers, INITIALIZE)
    return reply.status, reply.getheader("mcp-session-id")


@pytest.mark.slow
def test_one_client_opening_a_session_per_call_is_capped_and_others_still_get_in(mcp):
    opened = [open_session(mcp, "greedy") for _ in range(sessions.PER_CLIENT + 8)]  # bounded: 24 opens
    statuses = [status for status, _ in opened]
    assert statuses[: sessions.PER_CLIENT] == [200] * sessions.PER_CLIENT
    assert statuses[sessions.PER_CLIENT :] == [429] * 8, "one session too many is refused for that client only"
    assert open_session(mcp, "someone-else")[0] == 200, "another client is not locked out"
    # A session the client closes frees its place.
    session = opened[0][1]
    assert session and call(mcp, "DELETE", {"Authorization": "Bearer greedy", "mcp-session-id": session}).status < 300
    assert open_session(mcp, "greedy")[0] == 200


def test_idle_sessions_are_forgotten_so_their_client_may_open_new_ones():
    now = [0.0]

    async def opens(scope, receive, send):
        headers = [(b"mcp-session-id", f"s{now[0]}".encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    limits = sessions.SessionLimits(opens, per_client=2, idle=600, clock=lambda: now[0])
    sent: list[int] = []

    async def send(message):
        if message["type"] == "http.response.start":
            sent.append(message["status"])

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "path": "/mcp", "method": "POST", "headers": [], "client": ("127.0.0.1", 1)}
    for step in (0.0, 1.0, 2.0, 700.0):
        now[0] = step
        asyncio.run(limits(scope, receive, send))
    assert sent == [200, 200, 429, 200], "the third is refused; after 10 idle minutes the first two are forgotten"
    assert sessions.IDLE_SECONDS < 30 * 60 and sessions.streamable_options("::1")["session_idle_timeout"] == 600


@pytest.mark.slow
def test_an_mcp_endpoint_on_127_0_0_2_refuses_a_rebound_host_name(tmp_path):
    port, server, thread, runtime = serve(tmp_path, "127.0.0.2")
    try:
        assert open_session(port, "me", host=f"127.0.0.2:{port}")[0] == 200
        assert open_session(port, "me", host=f"attacker.example:{port}")[0] in (400, 403, 421)
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT)
        runtime.store.close()


def test_an_mcp_endpoint_on_127_0_0_2_needs_a_token():
    with pytest.raises(NoTokenError, match="127.0.0.2"):
        check_can_serve("127.0.0.2", "")
    check_can_serve("127.0.0.1", "")  # the usual loopback still serves without one
    check_can_serve("127.0.0.2", "a-token")
