"""The MCP server's HTTP transport keeps the web process's connection promises: a connection that never sends a
byte is closed after IDLE_SECONDS, connections over the cap are refused with 503 at once (logged a line at a
time), and the others are still answered. A real uvicorn server on a real socket, configured by
bot/mcp/connections.py exactly as `python -m bot mcp --http` is, with the cap lowered so the flood stays small.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

import pytest
import uvicorn
from e2e.harness import http, wait_until
from test_connection_limits import WAIT, closed_by_server
from test_serve import free_port

from bot.mcp import connections

CAP = 10


async def hello(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


@pytest.fixture(scope="module")
def capped_mcp():
    port = free_port()
    server = uvicorn.Server(connections.server_config(hello, "127.0.0.1", port, max_connections=CAP))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: _answers(port), timeout=WAIT)
    yield port
    server.should_exit = True
    thread.join(timeout=WAIT)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError):
        return http("GET", f"http://127.0.0.1:{port}/").status == 200
    return False


@pytest.mark.slow
def test_mcp_connections_that_never_send_a_byte_are_closed(capped_mcp):
    socks = [socket.create_connection(("127.0.0.1", capped_mcp), timeout=10) for _ in range(CAP // 2)]
    deadline = time.monotonic() + WAIT
    try:
        answers = [closed_by_server(s, max(0.1, deadline - time.monotonic())) for s in socks]
    finally:
        for s in socks:
            s.close()
    assert answers == [b""] * len(socks), "each silent connection was closed by the server, without an answer"


@pytest.mark.slow
def test_mcp_connections_over_the_cap_are_refused_with_503_and_logged_once(capped_mcp, caplog):
    assert wait_until(lambda: _answers(capped_mcp), timeout=WAIT)
    caplog.set_level(logging.WARNING, logger="bot.mcp.connections")
    socks = [socket.create_connection(("127.0.0.1", capped_mcp), timeout=10) for _ in range(CAP * 3)]
    try:
        refused = [s for s in socks if (closed_by_server(s, timeout=0.5) or b"").startswith(b"HTTP/1.1 503")]
    finally:
        for s in socks:
            s.close()
    assert len(refused) >= CAP, "the connections past the cap were answered 503 at once"
    assert wait_until(lambda: _answers(capped_mcp), timeout=WAIT), "and it answers again once the flood is gone"
    lines = [r for r in caplog.records if "refused an MCP connection" in r.getMessage()]
    assert 1 <= len(lines) < len(refused), "refusals are logged, but not one line per connection"


def test_mcp_http_closes_idle_connections_after_five_seconds():
    config = connections.server_config(hello, "127.0.0.1", 1)
    assert config.timeout_keep_alive == 5 and connections.MAX_CONNECTIONS == 1000
