"""The WSGI app behind the server: POST /slack/events to Bolt, GET /healthz, the OAuth install's
/slack/install and /slack/oauth_redirect when workspaces install through OAuth, 404 for the rest.

    gunicorn -c python:bot.http.gunicorn_conf 'bot.http.web:create_asgi()'   # the Procfile; see gunicorn_conf.py

Built by a factory, so importing this module reads no setting and opens nothing. Every request to
/slack/events passes bot/http/inbound.py's checks (size, signature, shape) before Bolt parses a byte of it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as PingTimeout
from pathlib import Path
from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk import WebClient

from ..config import Settings, SettingsError
from ..logs import setup_logging
from ..runtime import Runtime
from ..slack.app import Bot, build_bot
from ..slack.install.oauth import INSTALL_PATH, REDIRECT_PATH
from ..slack.install.sealed import KeyRefused
from ..startup import StartupError, check_start, say_settings_problem, settings_or_exit
from ..state.migrations import StateSchemaError
from . import github_hook, inbound, tuning

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
EXIT_WORKER_FAILED = 3  # gunicorn's "worker failed to boot": it stops instead of restarting forever
STATE_PING_SECONDS = 2.0  # /healthz answers within this even when the state database hangs
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    413: "Content Too Large",
    502: "Slack did not answer; please start the install again",
}


class GlossaryWSGI:
    """Slack's requests to Bolt, a health check beside them; `runtime` is there for tests and the serve command."""

    def __init__(self, bot: Bot, signing_secret: str):
        self.runtime = bot.runtime
        self.bot = bot
        self.app = bot.app
        self._secret = signing_secret
        # One ping at a time: a hung database must not collect a thread per health check.
        self._pinger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="state-ping")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self._health(start_response)
        if path == EVENTS_PATH and method == "POST":
            return self._slack(environ, start_response)
        if method == "GET" and path in (INSTALL_PATH, REDIRECT_PATH) and self.runtime.settings.oauth_install:
            return self._install(environ, start_response)
        if path == github_hook.WEBHOOK_PATH and method == "POST":
            secret = self.runtime.settings.github_webhook_secret
            return github_hook.handle(environ, secret, self.runtime.webhook, lambda s: _plain(start_response, s))
        return _plain(start_response, 404)

    def _slack(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = WsgiHttpRequest(environ)
        headers: dict[str, Any] = {k: str(v) for k, v in request.get_headers().items()}
        try:
            raw = inbound.read_body(environ)
            text = inbound.check_signature(self._secret, headers, raw)
            inbound.check_shape(text, headers.get("content-type"))
        except inbound.Refused as refused:
            declared = environ.get("CONTENT_LENGTH")
            log.warning(
                "refused a request to %s from %s: %s (%s)",
                EVENTS_PATH,
                environ.get("REMOTE_ADDR", "?"),
                refused.reason,
                f"Content-Length {declared[:20]}" if declared else "no Content-Length",
            )
            return _plain(start_response, refused.status)
        bolt = self.app.dispatch(BoltRequest(body=text, query=request.query_string, headers=dict(headers)))
        response = WsgiHttpResponse(status=bolt.status, headers=bolt.headers, body=bolt.body)
        start_response(response.status, response.get_headers())
        return response.get_body()

    def _install(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The install page and Slack's redirect back to us: Bolt's OAuth flow (bot/slack/install/oauth.py),
        which checks the redirect's one-use `state` against its cookie and the state database."""
        request = WsgiHttpRequest(environ)
        bolt_request = BoltRequest(body="", query=request.query_string, headers=dict(request.get_headers()))
        flow = self.app.oauth_flow
        if flow is None:  # never with SLACK_SCOPES set (bot/slack/install/oauth.py)
            return _plain(start_response, 404)
        if environ.get("PATH_INFO") == INSTALL_PATH:
            bolt = flow.handle_installation(bolt_request)
        else:
            try:
                bolt = flow.handle_callback(bolt_request)
            except OSError as exc:  # Slack's oauth.v2.access hung or the connection broke: Bolt lets it through
                log.warning("an install could not finish: Slack did not answer oauth.v2.access (%s)", exc)
                return _plain(start_response, 502)
        response = WsgiHttpResponse(status=bolt.status, headers=bolt.headers, body=bolt.body)
        start_response(response.status, response.get_headers())
        return response.get_body()

    def close(self) -> None:
        """Stop the outbox's delivery worker (letters not yet sent stay in the table for the next start)."""
        self.bot.stop()

    def _health(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        glossary = self.runtime.glossary
        glossary_ok = len(glossary) > 0
        state = self._state_health()
        data = data_folder_health(self.runtime.settings.data_dir)
        ok = glossary_ok and state["ok"] and data["ok"]
        status = "ok"
        if not glossary_ok:
            status = "no glossary loaded"
        elif not state["ok"]:
            status = state.pop("status")
        elif not data["ok"]:
            status = "data folder cannot be written"
        body = json.dumps(
            {
                "status": status,
                "glossary_version": glossary.version,
                "terms": len(glossary),
                "glossary": {"ok": glossary_ok, "version": glossary.version, "terms": len(glossary)},
                "state": state,
                "data_dir": data,
            }
        ).encode()
        start_response(
            "200 OK" if ok else "503 Service Unavailable",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _state_health(self) -> dict[str, Any]:
        """The state database answers a read and takes a write (a read-only file, a full disk or a
        read-only replica answers SELECT 1 while every real write fails)."""
        store = self.runtime.store
        unreachable = {"ok": False, "engine": store.dialect, "status": "state database unreachable"}
        try:
            self._pinger.submit(store.ping).result(timeout=STATE_PING_SECONDS)
        except PingTimeout:
            return {**unreachable, "error": f"no answer within {STATE_PING_SECONDS:g} s"}
        except Exception as exc:  # any driver error means "unreachable" to a health check; say which
            return {**unreachable, "error": _first_line(exc)}
        try:
            self._pinger.submit(store.ping_write).result(timeout=STATE_PING_SECONDS)
        except PingTimeout:
            error = f"no write within {STATE_PING_SECONDS:g} s"
            return {"ok": False, "engine": store.dialect, "status": "state database cannot be written", "error": error}
        except Exception as exc:
            status = "state database cannot be written"
            return {"ok": False, "engine": store.dialect, "status": status, "error": _first_line(exc)}
        return {"ok": True, "engine": store.dialect}


def _first_line(exc: BaseException) -> str:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return first[0][:200] if first else type(exc).__name__


def data_folder_health(folder: Path) -> dict[str, Any]:
    """DATA_DIR takes a one-byte file (the glossary index and SQLite state live there): read-only or full,
    every rebuild and write fails, so the health check must say so before the first user does."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".healthz-")
        try:
            os.write(fd, b"1")
        finally:
            os.close(fd)
            os.unlink(name)
    except OSError as exc:
        return {"ok": False, "path": str(folder), "error": exc.strerror or str(exc)}
    return {"ok": True, "path": str(folder)}


def _plain(start_response: Callable[..., Any], status: int) -> Iterable[bytes]:
    body = REASONS.get(status, "Error").encode()
    start_response(
        f"{status} {REASONS.get(status, 'Error')}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
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
        settings = settings_or_exit(exit_code=EXIT_WORKER_FAILED)
        try:  # a bot token, unless workspaces install through OAuth (SLACK_SCOPES)
            settings.require_slack()
        except SettingsError as error:
            say_settings_problem(error)
            raise SystemExit(EXIT_WORKER_FAILED) from None
        setup_logging(
            settings.log_level, (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_client_secret)
        )
    try:
        app = GlossaryWSGI(
            check_start(lambda: build_bot(settings, runtime=runtime, client=client, watch=watch), settings),
            settings.slack_signing_secret,
        )
    except (StateSchemaError, StartupError, KeyRefused) as error:  # e.g. PostgreSQL behind: never a restart loop
        print(f"glossary-bot: {error}", file=sys.stderr)
        raise SystemExit(EXIT_WORKER_FAILED) from None
    return app


def create_asgi(settings: Settings | None = None) -> Any:
    """The Procfile's app: create_wsgi() behind a layer that reads each request whole before a thread sees it."""
    from .asgi import BufferedWSGI

    tuning.before_start()
    app = create_wsgi(settings)
    tuning.once_started()
    return BufferedWSGI(app)
