"""bot/http/asgi.py, the buffering layer: whole requests reach the WSGI app; oversized or stalled bodies do not."""

from __future__ import annotations

import asyncio

from bot.http import asgi


def wsgi_echo(environ, start_response):
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])])
    return [b"got ", body]


def scope(headers=()):
    return {"type": "http", "method": "POST", "path": "/slack/events", "headers": list(headers), "query_string": b""}


def run(app, scope, messages):
    sent = []
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        await asyncio.sleep(3600)  # a client that stopped sending

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_a_body_in_pieces_reaches_the_app_whole():
    app = asgi.BufferedWSGI(wsgi_echo, threads=2)
    sent = run(
        app,
        scope(),
        [{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.request", "body": b"c"}],
    )
    assert sent[0]["status"] == 200 and (b"x-path", b"/slack/events") in sent[0]["headers"]
    assert sent[1]["body"] == b"got abc"


def test_content_length_over_the_limit_is_413_without_reading():
    called = []
    app = asgi.BufferedWSGI(lambda e, s: called.append(e) or [], threads=1)
    sent = run(app, scope([(b"content-length", b"10000000")]), [])
    assert sent[0]["status"] == 413 and called == []


def test_chunks_over_the_limit_are_413():
    app = asgi.BufferedWSGI(wsgi_echo, threads=1)
    chunk = {"type": "http.request", "body": b"x" * 400_000, "more_body": True}
    sent = run(app, scope(), [chunk, chunk, chunk])
    assert sent[0]["status"] == 413


def test_a_body_that_stops_arriving_is_408(monkeypatch):
    monkeypatch.setattr(asgi, "BODY_SECONDS", 0.05)
    app = asgi.BufferedWSGI(wsgi_echo, threads=1)
    sent = run(app, scope([(b"content-length", b"100")]), [{"type": "http.request", "body": b"t", "more_body": True}])
    assert sent[0]["status"] == 408


def test_a_client_that_leaves_gets_nothing_and_the_app_is_not_called():
    called = []
    app = asgi.BufferedWSGI(lambda e, s: called.append(e) or [], threads=1)
    assert run(app, scope(), [{"type": "http.disconnect"}]) == [] and called == []
