"""The baseline: a bare Bolt app that only acks /define, served exactly like the bot (same gunicorn line).

    gunicorn -c python:bot.http.gunicorn_conf 'bench.bare_app:create_asgi()'

It reads the same SLACK_* variables, verifies the same signatures and answers /healthz, so the only
difference in a side-by-side run is what the glossary bot does per request.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def create_wsgi(process_before_response: bool = False) -> Callable[..., Iterable[bytes]]:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ.get("SLACK_API_URL") or None)
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=process_before_response,
    )

    @app.command("/define")
    def only_ack(ack: Any) -> None:
        ack()

    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "15")])
            return [b'{"status":"ok"}']
        return slack(environ, start_response)

    return wsgi


def create_asgi() -> Any:
    """The same app behind the bot's buffering layer, as the Procfile's web line serves the bot."""
    from bot.http.asgi import BufferedWSGI

    return BufferedWSGI(create_wsgi())


def create_asgi_inline() -> Any:
    """The baseline without Bolt's ack poll (`process_before_response=True`): its floor on this machine."""
    from bot.http.asgi import BufferedWSGI

    return BufferedWSGI(create_wsgi(process_before_response=True))
