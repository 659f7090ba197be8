"""Where an entry point gets its settings: the working folder's `.env` under the real environment, then
Settings. The command line and the WSGI factory both start here, so they read the same variables the same way.

config.py never reads `.env` itself, so tests, which build Settings by hand, see only what they set.
"""

from __future__ import annotations

import os
import sys

from dotenv import find_dotenv, load_dotenv

from .config import Settings, SettingsError


def read_settings(*required: str) -> Settings:
    """Settings from the environment; a `.env` in the working folder fills gaps and never overrides.

    Raises SettingsError, naming the variable and the fix, when one is malformed or a `required` one is unset.
    """
    load_dotenv(find_dotenv(usecwd=True), override=False)
    settings = Settings.from_env(os.environ)
    settings.require(*required)
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
