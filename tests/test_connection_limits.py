"""The Procfile's `web:` process keeps its connection promises (README "Running it safely"): a connection that
never sends a byte is closed after the keep-alive time, connections over `worker_connections` are refused with
503 at once, and the refusals are logged a line at a time, not a line per connection.

A real gunicorn process on a real socket; the cap lowered to 12 through GUNICORN_CMD_ARGS so the flood stays small.
"""

from __future__ import annotations

import contextlib
import logging
import shlex
import socket
import time

import pytest
from e2e.harness import FakeSlack, http, wait_until
from paths import ROOT
from test_serve import free_port, run_until_healthy, server_env, stop

from bot.http import gunicorn_conf
from bot.logs import RateLimitedLog

CAP = 12
WAIT = 60.0  # generous: the server closes silent sockets after 5 s; a loaded machine may take longer


@pytest.fixture(scope="module")
def capped_web(tmp_path_factory):
    fake = FakeSlack().start()
    tmp_path = tmp_path_factory.mktemp("capped")
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    port = free_port()
    env = server_env(tmp_path, fake, port) | {"LOG_LEVEL": "INFO", "GUNICORN_CMD_ARGS": f"--worker-connections {CAP}"}
    proc, log = run_until_healthy(shlex.split(line[len("web:") :]), env, port, tmp_path)
    yield port, log
    stop(proc, log)
    log.close()
    fake.stop()


def closed_by_server(sock: socket.socket, timeout: float = WAIT) -> bytes | None:
    """What the server sent before closing, or None if it kept the socket open for `timeout` seconds."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return received


def settle(port: int) -> None:
    """Until the server has let go of earlier tests' sockets: a fresh connection gets an answer."""
    assert wait_until(lambda: _healthy(port), timeout=WAIT)


def _healthy(port: int) -> bool:
    with contextlib.suppress(OSError):
        return http("GET", f"http://127.0.0.1:{port}/healthz").status == 200
    return False


@pytest.mark.slow
def test_connections_that_never_send_a_byte_are_closed(capped_web):
    port, _ = capped_web
    settle(port)
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(CAP // 2)]
    deadline = time.monotonic() + WAIT  # one wait for all of them, so a server that never closes fails in WAIT s
    try:
        answers = [closed_by_server(s, max(0.1, deadline - time.monotonic())) for s in socks]
    finally:
        for s in socks:
            s.close()
    assert answers == [b""] * len(socks), "each silent connection was closed by the server, without an answer"


@pytest.mark.slow
def test_connections_over_the_cap_are_refused_with_503_and_logged_once(capped_web):
    port, log = capped_web
    settle(port)
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(CAP * 3)]
    try:
        refused = [s for s in socks if (closed_by_server(s, timeout=0.5) or b"").startswith(b"HTTP/1.1 503")]
    finally:
        for s in socks:
            s.close()
    assert len(refused) >= CAP, "the connections past the cap were answered 503 at once"
    settle(port)  # and the server serves again once the flood is gone
    log.flush()
    log.seek(0)
    lines = [x for x in log.read().splitlines() if "refused a connection" in x]
    assert 1 <= len(lines) < len(refused), "refusals are logged, but not one line per connection"


def test_refusal_lines_are_rate_limited_and_counted():
    logger = logging.getLogger("test.refusals")
    now = [100.0]
    lines = RateLimitedLog(logger, every=10.0, clock=lambda: now[0])
    written = [lines.warn("refused") for _ in range(50)]
    now[0] += 11
    assert written.count(True) == 1 and lines.warn("refused") and lines.pending == 0


def test_the_web_process_config_closes_idle_connections_after_five_seconds_and_caps_them():
    """The README's promise, as configured: 5 s keep-alive, and the worker class that enforces both limits."""
    assert gunicorn_conf.keepalive == 5 and gunicorn_conf.worker_connections == 1000
    assert gunicorn_conf.worker_class.endswith("GuardedASGIWorker")
