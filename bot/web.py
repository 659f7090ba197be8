"""The WSGI app gunicorn serves: POST /slack/events to Bolt, GET /healthz, 404 for the rest.

    gunicorn 'bot.web:create_wsgi()'

Built by a factory, so importing this module reads no setting and opens nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from .config import Settings
from .logs import setup_logging
from .runtime import Runtime
from .slack.app import Bot, build_bot
from .startup import settings_or_exit
from .state.migrations import StateSchemaError

EVENTS_PATH = "/slack/events"
EXIT_WORKER_FAILED = 3  # gunicorn's "worker failed to boot": it stops instead of restarting forever


class GlossaryWSGI:
    """Slack's requests to Bolt, a health check beside them; `runtime` is there for tests and the serve command."""

    def __init__(self, bot: Bot):
        self.runtime = bot.runtime
        self.bot = bot
        self._slack = SlackRequestHandler(bot.app, path=EVENTS_PATH)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._health(start_response)
        if path == EVENTS_PATH:
            return self._slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not Found"]

    def close(self) -> None:
        """Stop the outbox's delivery worker (letters not yet sent stay in the table for the next start)."""
        self.bot.stop()

    def _health(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        glossary = self.runtime.glossary
        ok = len(glossary) > 0
        body = json.dumps(
            {
                "status": "ok" if ok else "no glossary loaded",
                "glossary_version": glossary.version,
                "terms": len(glossary),
            }
        ).encode()
        start_response(
            "200 OK" if ok else "503 Service Unavailable",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


def create_wsgi(
    settings: Settings | None = None,
    runtime: Runtime | None = None,
    *,
    client: WebClient | None = None,
    watch: bool = True,
) -> GlossaryWSGI:
    if settings is None:
        settings = settings_or_exit("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", exit_code=EXIT_WORKER_FAILED)
        setup_logging(settings.log_level, (settings.slack_bot_token, settings.slack_signing_secret))
    try:
        return GlossaryWSGI(build_bot(settings, runtime=runtime, client=client, watch=watch))
    except StateSchemaError as error:  # e.g. PostgreSQL behind: `db upgrade` first, never a restart loop
        print(f"glossary-bot: {error}", file=sys.stderr)
        raise SystemExit(EXIT_WORKER_FAILED) from None
