"""Answering /define, and the forms answered in their ack, on the request thread: the HTTP reply never waits
for Bolt's ack poll, and is never cut off by it.

With process_before_response off (right for a server: listeners that call Slack must not hold the
HTTP 200), Bolt hands each listener to its `listener_executor` and the request thread checks every
10 ms whether ack() has happened: every answer waits at least one poll. A /define lookup is answered
in the ack itself and calls no Web API, so it gains nothing from the pool and loses the poll. The
same holds for a form whose last act is its ack (bot/slack/app.py, runs_inline); for those the poll's
3 s limit also mattered: on a stalled machine Bolt stopped waiting and told Slack "unhandled".

`InlineExecutor` is Bolt's pool, except for a request that `answer_inline` (a global middleware)
marked: that request's listener runs on the request thread inside submit(), so ack() is done before
Bolt's wait loop starts and the loop never sleeps. Every other listener keeps the pool, and the
flag is one-shot and per thread, so a lazy listener or the next request is never run inline by mistake.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltContext, BoltResponse

LISTENER_THREADS = 5  # Bolt's own default pool size, for the listeners that stay on the pool

Wants = Callable[[dict[str, Any]], bool]
Before = Callable[[dict[str, Any], BoltContext], BoltResponse | None]


class InlineExecutor(Executor):
    def __init__(self, pool: Executor | None = None):
        self._pool = pool or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt-listener")
        self._local = threading.local()

    def run_next_inline(self, inline: bool) -> None:
        """Whether the next listener submitted from this thread runs here (set on every request)."""
        self._local.inline = inline

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if not getattr(self._local, "inline", False):
            return self._pool.submit(fn, *args, **kwargs)
        self._local.inline = False
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # Bolt's wrapper handles listener errors; this is only a safety net
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait, cancel_futures=cancel_futures)


def answer_inline(executor: InlineExecutor, wants: Wants, *, before: Before | None = None) -> Callable[..., Any]:
    """The global middleware that marks (or unmarks) each request before Bolt picks its listener.

    `before` is another check to run first in the same middleware; a response from it ends the request."""

    def mark(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002
        if before is not None:
            stopped = before(body, context)
            if stopped is not None:
                executor.run_next_inline(False)
                return stopped
        executor.run_next_inline(wants(body))
        next()
        return None

    return mark
