"""The WSGI app gunicorn serves: POST /slack/events to Bolt, GET /healthz, 404 for the rest.

    gunicorn 'bot.web:create_wsgi()'

Built by a factory, so importing this module reads no setting and opens nothing.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler

from .config import Settings, SettingsError
from .runtime import Runtime

EVENTS_PATH = "/slack/events"


def create_wsgi(settings: Settings | None = None, runtime: Runtime | None = None, *, client=None, watch: bool = True):
    from .slack.app import close_requests_on_reload, create_app  # kept off the path of `python -m bot check`

    if settings is None:
        from dotenv import find_dotenv, load_dotenv

        from .logs import setup_logging

        load_dotenv(find_dotenv(usecwd=True), override=False)
        try:
            settings = Settings.from_env(os.environ)
            settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
        except SettingsError as exc:
            print(f"glossary-bot: {exc}", file=sys.stderr)
            sys.exit(3)  # gunicorn's "worker failed to boot": it stops instead of restarting forever
        setup_logging(settings.log_level, (settings.slack_bot_token, settings.slack_signing_secret))
    runtime = runtime or Runtime.open(settings)
    bolt = create_app(settings, runtime, client=client)
    close_requests_on_reload(bolt, runtime)
    if watch and settings.reload_seconds > 0:
        runtime.live.watch(settings.reload_seconds)
    slack = SlackRequestHandler(bolt, path=EVENTS_PATH)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            glossary = runtime.glossary
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
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Not Found"]

    app.runtime = runtime  # for tests and the serve command
    return app
