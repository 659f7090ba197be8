"""A buffering layer between the network and the WSGI app: each request is read whole on the event loop,
then handed to a thread. Served by gunicorn's asyncio worker (`worker_class = "asgi"`, bot/http/gunicorn_conf.py).

Why: with a threaded server, a client that trickles its headers or body holds a thread for as long as it
likes; eight of them took every thread of the first release's gthread worker, and a hundred still take
every thread of gunicorn 27's (which only waits for the *first* byte off-thread). Here a slow client
costs a coroutine and a socket; threads only ever run requests that have fully arrived. Bodies are capped
(413 from Content-Length before reading, or as soon as a chunked body passes the cap) and must arrive
within BODY_SECONDS (else 408).
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .inbound import MAX_BODY

log = logging.getLogger(__name__)
APP_THREADS = 16  # requests being answered at once; Bolt's own listener threads are separate
BODY_SECONDS = 10.0  # Slack sends its few kilobytes at once; a body still arriving after this is refused

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class BufferedWSGI:
    def __init__(self, wsgi: Callable[..., Iterable[bytes]], *, threads: int = APP_THREADS):
        self.wsgi = wsgi
        self.runtime = getattr(wsgi, "runtime", None)
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: not served here; returning closes the connection
        body = await self._read_body(scope, receive, send)
        if body is None:
            return
        status, headers, chunks = await asyncio.get_running_loop().run_in_executor(
            self._threads, self._run_wsgi, _environ(scope, body)
        )
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"".join(chunks)})

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
            await _answer(send, 413, "Content Too Large")
            log.warning("refused a %s-byte body to %s: over the %d-byte limit", declared, scope["path"], MAX_BODY)
            return None
        parts: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(BODY_SECONDS):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    parts.append(message.get("body", b""))
                    size += len(parts[-1])
                    if size > MAX_BODY:
                        await _answer(send, 413, "Content Too Large")
                        log.warning("refused a chunked body to %s: over the %d-byte limit", scope["path"], MAX_BODY)
                        return None
                    if not message.get("more_body"):
                        return b"".join(parts)
        except TimeoutError:
            await _answer(send, 408, "Request Timeout")
            log.warning("refused a request to %s: body not complete after %g s", scope["path"], BODY_SECONDS)
            return None

    def _run_wsgi(self, environ: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., None]:
            started[:] = [status, headers]
            return lambda data: None  # the legacy write() callable; this app never uses it

        result = self.wsgi(environ, start_response)
        try:
            chunks = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        return int(status.split()[0]), [(k.lower().encode(), v.encode("latin-1")) for k, v in headers], chunks


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        "PATH_INFO": scope["path"],
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").upper().replace("-", "_")
        if name in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            if name == "CONTENT_TYPE":
                environ[name] = value.decode("latin-1")
            continue
        name = "HTTP_" + name
        text = value.decode("latin-1")
        environ[name] = f"{environ[name]},{text}" if name in environ else text
    return environ


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
