"""`python -m bot mcp` as a real process: JSON-RPC over stdio, and streamable HTTP with and without the token.

Every wait is bounded; nothing here measures time.
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from paths import BUNDLED_TERMS, ROOT
from ports import free_port as _free_port

PROTOCOL = "2025-11-25"
WAIT = 60  # seconds: generous for a busy machine; a healthy run takes well under one


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MCP_"))}
    env.pop("DATABASE_URL", None)
    env.update(GLOSSARY_DIR=str(BUNDLED_TERMS), DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def _start(tmp_path, *args, **env):
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "mcp", *args],
        cwd=tmp_path,  # no developer .env is found from here
        env=_env(tmp_path, **env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=WAIT)


class Stdio:
    """Newline-delimited JSON-RPC over a process's standard input and output."""

    def __init__(self, proc):
        self.proc = proc
        self.selector = selectors.DefaultSelector()
        self.selector.register(proc.stdout, selectors.EVENT_READ)
        self.next_id = 0

    def send(self, method, params=None, *, notify=False):
        message = {"jsonrpc": "2.0", "method": method, "params": params or {}}
        if not notify:
            self.next_id += 1
            message["id"] = self.next_id
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()
        return None if notify else self._reply(self.next_id)

    def _reply(self, wanted):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if not self.selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = self.proc.stdout.readline()
            if not line:
                break
            message = json.loads(line)
            if message.get("id") == wanted:
                return message
        raise AssertionError(f"no reply to request {wanted}; stderr: {self.proc.stderr.read1(4000)!r}")


@pytest.mark.slow
def test_stdio_end_to_end_initialize_list_and_call(tmp_path):
    proc = _start(tmp_path)
    try:
        rpc = Stdio(proc)
        init = rpc.send(
            "initialize",
            {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
        )
        assert init["result"]["serverInfo"]["name"] == "glossary"
        assert "tools" in init["result"]["capabilities"]
        rpc.send("notifications/initialized", notify=True)
        tools = rpc.send("tools/list")["result"]["tools"]
        assert {t["name"] for t in tools} == {
            "ask",
            "define",
            "search",
            "explain_text",
            "list_terms",
            "related",
            "request_term",
        }
        called = rpc.send("tools/call", {"name": "define", "arguments": {"term": "LoRA"}})["result"]
        assert called["isError"] is False
        assert called["structuredContent"]["definition"]["slug"] == "low-rank-adaptation"
        miss = rpc.send("tools/call", {"name": "define", "arguments": {"term": "quokka"}})["result"]
        assert miss["structuredContent"]["status"] == "miss"
        bad = rpc.send("tools/call", {"name": "define", "arguments": {"framing": "ceo"}})
        assert bad["error"]["code"] == -32602
        assert "'term': Field required" in bad["error"]["message"]
        assert proc.poll() is None  # still serving after a bad call
    finally:
        _stop(proc)


def _initialize(port, token=None):
    """POST an initialize request; (HTTP status, body)."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
        }
    ).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as reply:
            return reply.status, reply.read(20000).decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _serving_http(tmp_path, **env):
    port = _free_port()
    proc = _start(tmp_path, "--http", MCP_PORT=str(port), **env)
    return proc, _wait_listening(proc, port)


def _wait_listening(proc, port):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {proc.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port
        except OSError:
            time.sleep(0.2)
    _stop(proc)
    raise AssertionError("the HTTP server did not start listening")


@pytest.mark.slow
def test_http_with_a_token_refuses_requests_without_it(tmp_path):
    proc, port = _serving_http(tmp_path, MCP_TOKEN="s3cret-token-for-tests")
    try:
        status, body = _initialize(port)
        assert status == 401
        assert "Bearer" in body
        assert _initialize(port, token="wrong-token")[0] == 401
        status, body = _initialize(port, token="s3cret-token-for-tests")
        assert status == 200
        assert '"serverInfo"' in body
    finally:
        _stop(proc)
    assert b"s3cret-token-for-tests" not in proc.stderr.read()


@pytest.mark.slow
def test_http_on_loopback_needs_no_token(tmp_path):
    proc, port = _serving_http(tmp_path)
    try:
        status, body = _initialize(port)
        assert status == 200
        assert '"serverInfo"' in body
    finally:
        _stop(proc)


@pytest.mark.slow
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "glossary.example.org"])
def test_http_beyond_loopback_without_a_token_refuses_to_start_in_one_line(tmp_path, host):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "mcp", "--http", "--host", host],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        timeout=WAIT,
    )
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "MCP_TOKEN is not set" in lines[0] and host in lines[0]
    assert done.stdout == b""


def test_what_counts_as_loopback():
    from bot.mcp.auth import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.org"))


def test_mcp_settings_are_read_and_the_token_kept_out_of_repr():
    from bot.config import Settings, SettingsError

    settings = Settings.from_env({"MCP_PORT": "9000", "MCP_TOKEN": "tok-123456"})
    assert (settings.mcp_port, settings.mcp_token) == (9000, "tok-123456")
    assert "tok-123456" not in repr(settings)
    assert Settings.from_env({}).mcp_port == 8765
    with pytest.raises(SettingsError, match="MCP_PORT"):
        Settings.from_env({"MCP_PORT": "lots"})
