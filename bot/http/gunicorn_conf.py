"""The one gunicorn configuration, used by the Procfile's `web:` line (`gunicorn -c python:bot.http.gunicorn_conf`)
and by `python -m bot serve` over HTTP. Measured and explained in README "Running it safely".

The asyncio worker with bot/http/asgi.py's buffering layer: slow or idle clients wait on the event loop and
cost no thread; only whole requests reach the WSGI app's threads.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from typing import Any

# gunicorn's asyncio worker, plus what it lacks: a cap on open connections and a close for silent ones
worker_class = "bot.http.connections.GuardedASGIWorker"
workers = 1  # one process: the glossary watcher and Bolt's listener pool live in it; threads scale it
bind = f"0.0.0.0:{os.environ.get('PORT') or '3000'}"  # Procfile platforms hand out $PORT
worker_connections = 1000  # open connections per worker (slow ones included); more are refused with 503
keepalive = 5  # seconds an idle connection stays open (kept-alive, or opened and never used)
timeout = 30  # a body that stops arriving is dropped after this; bot/http/asgi.py refuses one after 10 s first
graceful_timeout = 20  # on SIGTERM, requests in flight get this long to finish
limit_request_line = 4094  # Slack's request line is short; these bound what a header trickle can buffer
limit_request_fields = 100
limit_request_field_size = 8190
asgi_lifespan = "off"  # nothing to start or stop per worker beyond what create_asgi() builds
accesslog = "-"


M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2


def post_fork(server: Any, worker: Any) -> None:
    """Each worker: at most two malloc arenas. glibc gives each new thread its own, up to eight per core, and
    the request threads' large allocations then sit in many half-empty arenas (~5 MB per worker at 10,000
    terms, measured by bench). The same as MALLOC_ARENA_MAX=2, without relying on the platform's environment."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl, macOS): nothing to limit
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def options() -> dict[str, object]:
    """The settings above, for `python -m bot serve` to hand to gunicorn the same way `-c` does."""
    names = (
        "worker_class workers bind worker_connections keepalive timeout graceful_timeout limit_request_line "
        "limit_request_fields limit_request_field_size asgi_lifespan accesslog post_fork"
    ).split()
    return {name: globals()[name] for name in names}
