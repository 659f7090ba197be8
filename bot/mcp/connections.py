"""Connection limits for the MCP server's HTTP transport (uvicorn), the same promises as the web process's.

uvicorn arms its keep-alive timer only after a first response, and `limit_concurrency` answers 503 only once a
request has arrived: a connection that sends nothing was held forever, and enough of them used every file
descriptor. Here a connection silent for IDLE_SECONDS after it opened is closed like an idle kept-alive one,
and one beyond MAX_CONNECTIONS is answered 503 and closed before anything is read; refusals are logged at most
once per bot/logs.py's LOG_EVERY seconds.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..logs import RateLimitedLog

log = logging.getLogger(__name__)
MAX_CONNECTIONS = 1000  # open connections before new ones are refused; under a 1,024 open-file limit
IDLE_SECONDS = 5  # a connection with nothing to say (never, or since its last answer) is closed after this
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
    b"Retry-After: 1\r\nConnection: close\r\n\r\nToo many connections"
)
refusals = RateLimitedLog(log)


def guarded_protocol(max_connections: int) -> type[H11Protocol]:
    class GuardedH11(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                refusals.warn(
                    "refused an MCP connection: %d open, over the cap of %d", len(self.connections) - 1, max_connections
                )
                transport.write(REFUSAL)
                transport.close()
                return
            # uvicorn's own timer, armed at the start as well as after each answer; data_received cancels it.
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    return GuardedH11


def server_config(app: Any, host: str, port: int, *, max_connections: int = MAX_CONNECTIONS) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=guarded_protocol(max_connections),
        timeout_keep_alive=IDLE_SECONDS,
    )
