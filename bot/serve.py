"""`python -m bot serve`: Socket Mode when SLACK_APP_TOKEN is set, else HTTP through gunicorn on $PORT."""

from __future__ import annotations

import logging

from .config import Settings
from .logs import setup_logging

log = logging.getLogger(__name__)
THREADS = 8  # listeners run on Bolt's thread pool; gunicorn's threads serve the HTTP requests themselves


def serve(settings: Settings) -> int:
    settings.require("SLACK_BOT_TOKEN")
    if not settings.slack_app_token:
        settings.require("SLACK_SIGNING_SECRET")
    setup_logging(
        settings.log_level, (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    )
    if settings.slack_app_token:
        return _socket_mode(settings)
    return _http(settings)


def _socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from .slack.app import build_bot

    bot = build_bot(settings, socket_mode=True)
    glossary = bot.runtime.glossary
    log.info("serving %d terms (glossary %s) over Socket Mode", len(glossary), glossary.version)
    SocketModeHandler(bot.app, settings.slack_app_token).start()
    return 0


def _http(settings: Settings) -> int:
    from gunicorn.app.base import BaseApplication

    from .web import create_wsgi

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", THREADS)
            self.cfg.set("workers", 1)
            self.cfg.set("accesslog", "-")

        def load(self):
            # In the worker, after the fork: the glossary watcher thread must live where requests are served.
            return create_wsgi(settings)

    log.info("serving HTTP on port %d at /slack/events (health check: /healthz)", settings.port)
    Server().run()
    return 0
