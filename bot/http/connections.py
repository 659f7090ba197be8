"""Connection limits for the web process: gunicorn's asyncio worker with two guards it lacks.

gunicorn 27's asyncio worker arms its keep-alive timer only after a first response, and never enforces
`worker_connections`: a connection that sends nothing is held forever, and 1,100 of them used every file
descriptor of a 1,024 limit (then the log grew by megabytes a second of "Too many open files"). Here:

- a connection that has sent no byte `keepalive` seconds after it opened is closed, as an idle kept-alive one is;
- a connection beyond `worker_connections` is answered 503 and closed at once, before anything is read;
- refusals are logged at most once per LOG_EVERY seconds, with the count since the last line.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from ..logs import RateLimitedLog

log = logging.getLogger(__name__)
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
    b"Retry-After: 1\r\nConnection: close\r\n\r\nToo many connections"
)


refusals = RateLimitedLog(log)


class GuardedConnection(ASGIProtocol):
    """gunicorn's HTTP protocol, refusing connections over the cap and closing ones that never speak."""

    _silent_handle: Any = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        worker = self.worker
        if worker.nr_conns > worker.worker_connections:
            refusals.warn(
                "refused a connection: %d open, over worker_connections=%d", worker.nr_conns, worker.worker_connections
            )
            transport.write(REFUSAL)
            self._close_transport()
            return
        if self._keepalive > 0:
            self._silent_handle = worker.loop.call_later(self._keepalive, self._close_if_silent)

    def data_received(self, data: bytes) -> None:
        self._stop_silence_timer()
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_silence_timer()
        super().connection_lost(exc)

    def _stop_silence_timer(self) -> None:
        if self._silent_handle is not None:
            self._silent_handle.cancel()
            self._silent_handle = None

    def _close_if_silent(self) -> None:
        self._silent_handle = None
        self._keepalive_timeout()  # the same close as an idle kept-alive connection gets


class GuardedASGIWorker(gasgi.ASGIWorker):
    """`worker_class` in bot/http/gunicorn_conf.py: the asyncio worker serving GuardedConnection."""

    def init_process(self) -> None:
        # The worker builds its protocol by this module-level name; this process serves nothing else.
        gasgi.ASGIProtocol = GuardedConnection
        super().init_process()
