"""`python -m bot serve`: Socket Mode when SLACK_APP_TOKEN is set, else HTTP through gunicorn on $PORT,
configured by bot/http/gunicorn_conf.py exactly as the Procfile's `web:` line is."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from ..config import Settings, SettingsError
from ..logs import setup_logging
from ..startup import EXIT_USAGE, StartupError, check_start, with_home_team
from . import tuning

if TYPE_CHECKING:
    from ..state.store import Store

log = logging.getLogger(__name__)


def serve(settings: Settings) -> int:
    if settings.oauth_install and settings.slack_app_token:
        raise SettingsError(
            "SLACK_APP_TOKEN (Socket Mode) and SLACK_SCOPES (installing through OAuth) do not go together: Slack "
            "sends installs to the HTTP server's /slack/oauth_redirect; unset SLACK_APP_TOKEN"
        )
    if settings.slack_app_token:
        settings.require("SLACK_BOT_TOKEN")
    else:
        settings.require_slack()
    settings.require_glossary_folder()
    secrets = (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    setup_logging(settings.log_level, (*secrets, settings.slack_client_secret))
    # Single-workspace mode's team is the bot token's: what the state upgrade gives older rows, and the home team.
    settings = check_start(lambda: with_home_team(settings), settings)
    if settings.slack_app_token:
        return _socket_mode(settings)
    return _http(settings)


def wait_forever() -> None:
    """Socket Mode's connection runs on its own threads; the main thread only has to stay alive."""
    threading.Event().wait()


def _socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from ..slack.app import build_bot

    tuning.before_start()
    bot = check_start(lambda: build_bot(settings, socket_mode=True), settings)
    handler = SocketModeHandler(bot.app, settings.slack_app_token, logger=logging.getLogger("bot.socket_mode"))
    check_start(handler.connect, settings)  # a refused app token is one line here, not a traceback later
    tuning.once_started()
    glossary = bot.runtime.glossary
    log.info("serving %d terms (glossary %s) over Socket Mode", len(glossary), glossary.version)
    wait_forever()
    return 0


def preflight(settings: Settings) -> None:
    """Before gunicorn starts: the token, Slack and the state database answer, or one line and an exit code
    (a worker that fails to boot only tells gunicorn "exit 3", which names no setting)."""
    from slack_sdk import WebClient

    from ..slack.app import make_client
    from ..state.store import Store

    if not settings.oauth_install:  # with OAuth, each workspace's token is checked at its first request
        client: WebClient = make_client(settings)
        check_start(client.auth_test, settings)
    store = check_start(lambda: Store(settings.state_url, settings.home_team), settings)
    try:
        check_start(store.ping, settings)
        if settings.oauth_install:
            check_token_keys(settings, store)
    finally:
        store.close()


def check_token_keys(settings: Settings, store: Store) -> None:
    """SLACK_TOKEN_KEYS opens every stored token (and seals again those an older key sealed), or one line."""
    from ..slack.install.sealed import KeyRefused, Sealer
    from ..slack.install.store import reseal

    try:
        reseal(store.engine, Sealer(settings.slack_token_keys))
    except KeyRefused as refused:
        raise StartupError(str(refused), EXIT_USAGE) from None


def _http(settings: Settings) -> int:
    from gunicorn.app.base import BaseApplication

    from . import gunicorn_conf
    from .web import create_asgi

    preflight(settings)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for name, value in gunicorn_conf.options().items():
                self.cfg.set(name, value)
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")  # PORT as read from the environment or .env

        def load(self) -> Any:
            # In the worker, after the fork: the glossary watcher thread must live where requests are served.
            return create_asgi(settings)

    log.info("serving HTTP on port %d at /slack/events (health check: /healthz)", settings.port)
    Server().run()
    return 0
