"""The Procfile's `web:` process under slow clients and oversized bodies, as a real process on a real socket.

Slow clients (trickled bodies, slowloris headers, idle keep-alives) must not stop signed /define requests
being answered; bodies over 1 MB are refused with 413 before they are read, chunked ones included.
"""

from __future__ import annotations

import contextlib
import shlex
import socket

import pytest
from e2e.harness import FakeSlack, command_body, http, signed_post
from paths import ROOT
from slowclients import SlowClients
from test_serve import free_port, run_until_healthy, server_env, stop

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """One Procfile web process for the module (starting one takes seconds)."""
    fake = FakeSlack().start()
    tmp_path = tmp_path_factory.mktemp("web")
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    port = free_port()
    env = server_env(tmp_path, fake, port) | {"LOG_LEVEL": "INFO"}
    proc, log = run_until_healthy(shlex.split(line[len("web:") :]), env, port, tmp_path)
    yield port, log
    stop(proc, log)
    log.close()
    fake.stop()


def define(port: int) -> int:
    reply = signed_post(f"http://127.0.0.1:{port}/slack/events", command_body("RAG"), FORM)
    assert reply.status != 200 or reply.json()["blocks"][0]["text"]["text"] == "retrieval-augmented generation"
    return reply.status


@pytest.mark.slow
@pytest.mark.parametrize("count", [8, 100])
def test_slow_clients_do_not_stop_define(web, count):
    port, _ = web
    with SlowClients("127.0.0.1", port, count, pace=0.3) as clients:
        answers = [define(port) for _ in range(10)]
        still_there = clients.connected
    assert answers == [200] * 10
    assert still_there >= count * 2 // 3, "the slow clients were really connected while /define was answered"


def raw(port: int, head: bytes, body: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        with contextlib.suppress(OSError):
            sock.sendall(body)
        return sock.recv(1000)


@pytest.mark.slow
def test_content_length_over_a_megabyte_is_413_before_the_body_is_read(web):
    port, _ = web
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    answer = raw(port, head + b"Content-Length: 10000008\r\n\r\n", b"payload=")  # the rest is never sent
    assert answer.split(b" ")[1] == b"413"


@pytest.mark.slow
def test_chunked_body_over_a_megabyte_is_413(web):
    port, log = web
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    chunk = b"%x\r\n" % 65536 + b"C" * 65536 + b"\r\n"
    answer = raw(port, head + b"Transfer-Encoding: chunked\r\n\r\n", chunk * 20 + b"0\r\n\r\n")
    assert answer.split(b" ")[1] == b"413"
    log.flush()
    log.seek(0)
    assert "CCCCCCCCCC" not in log.read()


@pytest.mark.slow
def test_health_reports_each_part(web):
    port, _ = web
    health = http("GET", f"http://127.0.0.1:{port}/healthz").json()
    assert health["glossary"]["ok"] and health["glossary"]["terms"] >= 30
    assert health["state"] == {"ok": True, "engine": "sqlite"}


def test_procfile_and_serve_share_one_gunicorn_config(monkeypatch):
    """Both ways of serving HTTP read bot/http/gunicorn_conf.py: the Procfile names it, serve() copies its options."""
    from gunicorn.app.base import BaseApplication

    from bot.config import Settings
    from bot.http import gunicorn_conf, serve

    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    assert "-c python:bot.http.gunicorn_conf" in line and "bot.http.web:create_asgi()" in line
    seen = {}

    def run(self):
        self.load_config()
        seen.update({name: self.cfg.settings[name].get() for name in gunicorn_conf.options()})

    monkeypatch.setattr(serve, "preflight", lambda settings: None)
    monkeypatch.setattr(BaseApplication, "run", run)
    serve._http(Settings(port=4321))
    assert seen["worker_class"] == "bot.http.connections.GuardedASGIWorker" and seen["bind"] == ["0.0.0.0:4321"]
    assert seen["keepalive"] == gunicorn_conf.keepalive and seen["timeout"] == gunicorn_conf.timeout
    assert seen["post_fork"] is gunicorn_conf.post_fork  # each worker limits its malloc arenas
    gunicorn_conf.post_fork(None, None)  # and doing so never fails, glibc or not
