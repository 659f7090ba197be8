"""Where an entry point gets its settings: the working folder's `.env` under the real environment, then
Settings. The command line and the WSGI factory both start here, so they read the same variables the same way.

config.py never reads `.env` itself, so tests, which build Settings by hand, see only what they set.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar
from urllib.error import URLError

from dotenv import find_dotenv, load_dotenv

from .config import Settings, SettingsError
from .glossary import meaning


def read_settings(*required: str) -> Settings:
    """Settings from the environment; a `.env` in the working folder fills gaps and never overrides.

    Raises SettingsError, naming the variable and the fix, when one is malformed or a `required` one is unset.
    """
    load_dotenv(find_dotenv(usecwd=True), override=False)
    settings = Settings.from_env(os.environ)
    settings.require(*required)
    meaning.switch(settings.meaning_lane)  # the lane is process-wide: every glossary this process opens
    return settings


def say_settings_problem(error: Exception) -> None:
    """One line on stderr, no traceback: the message already says what to set and where."""
    print(f"glossary-bot: {error}", file=sys.stderr)


def settings_or_exit(*required: str, exit_code: int) -> Settings:
    """read_settings, or stop the process with one line and `exit_code` (each entry point picks its own)."""
    try:
        return read_settings(*required)
    except SettingsError as error:
        say_settings_problem(error)
        raise SystemExit(exit_code) from None


EXIT_UNREACHABLE, EXIT_USAGE = 1, 2


class StartupError(Exception):
    """A setting that is wrong (exit 2) or names something unreachable (exit 1); the message is the one line."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def with_home_team(settings: Settings) -> Settings:
    """The settings with SLACK_TEAM_ID filled in: as set, or else the team Slack's auth.test names for the bot
    token (one call; the single-workspace install's own team). Without either, unchanged: the state database's one
    team is the home team then (bot/state/store.py). Slack's refusal propagates for check_start to explain."""
    if settings.slack_team_id or not settings.slack_bot_token:
        return settings
    from slack_sdk import WebClient

    from .state.team import Team

    base_url = settings.slack_api_url or WebClient.BASE_URL
    reply = WebClient(token=settings.slack_bot_token, base_url=base_url, timeout=10).auth_test()
    org_wide = bool(reply.get("is_enterprise_install"))
    team = Team.of(reply.get("team_id"), reply.get("enterprise_id"), org_wide=org_wide)
    if team is None:
        return settings
    return replace(settings, slack_team_id=team.id, slack_enterprise_id=team.enterprise_id or "")


T = TypeVar("T")
QUIET_DURING_START = ("slack_sdk", "bot.socket_mode")


def check_start(step: Callable[[], T], settings: Settings) -> T:
    """Run a start-up step (open the state database, build the Slack app, …), turning the failures a bad
    or unreachable setting causes into one StartupError line; anything else propagates with its traceback."""
    # slack_sdk (and Socket Mode, on its own logger) log each failed attempt at ERROR before giving up;
    # the one line below says it better. They log normally again once the step is over.
    quiet = [logging.getLogger(name) for name in QUIET_DURING_START]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        return step()
    except Exception as exc:
        known = explain_failure(exc, settings)
        if known is None:
            raise
        raise known from None
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def explain_failure(exc: BaseException, settings: Settings) -> StartupError | None:
    """The one line for a failure caused by a setting, or None for a failure that is a bug."""
    from slack_sdk.errors import SlackApiError
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

    state = "DATABASE_URL" if settings.database_url else "DATA_DIR"
    bolt_auth = _bolt_auth_error(exc)  # Bolt's own token check (Socket Mode, a worker): the same line as ours
    if isinstance(exc, SlackApiError) or bolt_auth is not None:
        response = getattr(exc, "response", None)
        error = bolt_auth or str(response.get("error") if response is not None else "") or "an error"
        method = _slack_method(exc) if bolt_auth is None else "auth.test"
        if method == "apps.connections.open":
            return StartupError(
                f"SLACK_APP_TOKEN was refused by Slack ({error}); use the app-level token (xapp-…) with "
                "connections:write from the app's Basic Information page",
                EXIT_USAGE,
            )
        return StartupError(
            f"SLACK_BOT_TOKEN was refused by Slack ({error}); copy the Bot User OAuth Token (xoxb-…) from the "
            "app's OAuth & Permissions page, and reinstall the app if it was revoked",
            EXIT_USAGE,
        )
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return StartupError(
            f"DATABASE_URL is not a database URL this bot can use ({_first_line(exc)}); "
            "use postgresql://user:password@host:5432/name, or leave it empty for SQLite under DATA_DIR",
            EXIT_USAGE,
        )
    if isinstance(exc, (OperationalError, ProgrammingError)):
        detail = _first_line(exc)
        if state == "DATA_DIR" and any(w in detail for w in ("readonly", "read-only", "unable to open")):
            return StartupError(
                f"DATA_DIR {settings.data_dir} is not writable ({detail}); point DATA_DIR at a writable folder",
                EXIT_UNREACHABLE,
            )
        return StartupError(
            f"{state}: the state database cannot be reached ({detail}); check that it is running and that "
            f"{state} is right",
            EXIT_UNREACHABLE,
        )
    if isinstance(exc, PermissionError | IsADirectoryError | NotADirectoryError) or (
        isinstance(exc, OSError) and exc.errno == errno.EROFS
    ):
        return StartupError(
            f"DATA_DIR {settings.data_dir} is not writable ({exc.strerror or exc}); point DATA_DIR at a writable "
            "folder",
            EXIT_UNREACHABLE,
        )
    if isinstance(exc, URLError | ConnectionError | TimeoutError | socket.gaierror) and not isinstance(
        exc,
        BrokenPipeError,  # our own stdout's reader went away (`… | head`): not Slack
    ):
        where = settings.slack_api_url or "https://slack.com/api/"
        setting = "SLACK_API_URL" if settings.slack_api_url else "the network"
        return StartupError(
            f"Slack cannot be reached at {where} ({getattr(exc, 'reason', None) or exc}); check {setting} and that "
            "this machine can reach it",
            EXIT_UNREACHABLE,
        )
    return None


def _bolt_auth_error(exc: BaseException) -> str | None:
    """Slack's error word when Bolt refused to start because auth.test failed (it raises a BoltError holding
    the response as text, e.g. "`token` is invalid (auth.test result: {'ok': False, 'error': 'token_revoked'})")."""
    from slack_bolt.error import BoltError

    if not isinstance(exc, BoltError) or "auth.test" not in str(exc):
        return None
    found = re.search(r"'error': '([a-z_]{1,40})'", str(exc))
    return found.group(1) if found else "auth.test failed"


def _slack_method(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    url = str(getattr(response, "api_url", "") or "")
    return url.rstrip("/").rsplit("/", 1)[-1]


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
