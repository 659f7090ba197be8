"""The OAuth install's settings (SLACK_SCOPES, SLACK_TOKEN_KEYS, …), read for bot/config.py, which hands in
its SettingsError to raise. Nothing here reads the environment: `get` is config's reader."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

Get = Callable[[str, str], str]


UNINSTALL_CHOICES = ("keep", "delete")
KEYGEN = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
OAUTH_HINT = 'see README, "Install in several workspaces or an Enterprise Grid org"'


def oauth_install_settings(get: Get, error: type[Exception]) -> dict[str, Any]:
    """SLACK_SCOPES turns the OAuth install on; it then needs the client id and secret and SLACK_TOKEN_KEYS.
    A part set without the rest is named, so a half-configured install never starts as a single-token bot."""
    scopes = tuple(s for s in get("SLACK_SCOPES", "").replace(" ", ",").split(",") if s)
    keys = tuple(k for k in get("SLACK_TOKEN_KEYS", "").replace(" ", ",").split(",") if k)
    parts = {"SLACK_SCOPES": scopes, "SLACK_TOKEN_KEYS": keys, "SLACK_REDIRECT_URI": get("SLACK_REDIRECT_URI", "")}
    if any(parts.values()):
        needed = {"SLACK_CLIENT_ID": get("SLACK_CLIENT_ID", ""), "SLACK_CLIENT_SECRET": get("SLACK_CLIENT_SECRET", "")}
        needed |= {"SLACK_SCOPES": ",".join(scopes), "SLACK_TOKEN_KEYS": ",".join(keys)}
        missing = next((name for name, value in needed.items() if not value), None)
        if missing:
            set_ = next(name for name, value in parts.items() if value)
            raise error(
                f"{missing} is not set: {set_} installs the app through OAuth, which needs SLACK_CLIENT_ID, "
                f"SLACK_CLIENT_SECRET, SLACK_SCOPES and SLACK_TOKEN_KEYS; {OAUTH_HINT}"
            )
    for number, key in enumerate(keys, 1):
        if not _fernet_key(key):
            raise error(
                f"SLACK_TOKEN_KEYS key {number} is not a Fernet key (32 bytes in URL-safe base64, 44 characters); "
                f"make one with `{KEYGEN}`; {OAUTH_HINT}"
            )
    minutes = get("TOKEN_ROTATION_MINUTES", "120")
    if not minutes.isdigit() or not 1 <= int(minutes) <= 720:
        raise error(f"TOKEN_ROTATION_MINUTES must be a whole number of minutes from 1 to 720, not {minutes[:20]!r}")
    uninstall = get("UNINSTALL_DATA", "keep").lower()
    if uninstall not in UNINSTALL_CHOICES:
        raise error(f"UNINSTALL_DATA must be keep or delete, not {uninstall[:20]!r}; {OAUTH_HINT}")
    return {
        "slack_scopes": scopes,
        "slack_token_keys": keys,
        "slack_redirect_uri": _redirect_uri(get("SLACK_REDIRECT_URI", ""), error),
        "token_rotation_minutes": int(minutes),
        "uninstall_data": uninstall,
    }


def _fernet_key(key: str) -> bool:
    """What cryptography's Fernet accepts, checked here so a bad key is a settings line, not a traceback."""
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (ValueError, UnicodeEncodeError):
        return False


def _redirect_uri(value: str, error: type[Exception]) -> str:
    parts = urlsplit(value) if value else None
    if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc or " " in value):
        raise error(
            "SLACK_REDIRECT_URI must be an http(s) address such as https://bot.example.org/slack/oauth_redirect, "
            f"not {value[:60]!r}"
        )
    return value
