"""The git host's settings (GITHUB_*: changes as pull requests), read for bot/config.py, which hands in its
SettingsError to raise. Nothing here reads the environment: `get` is config's reader."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Get = Callable[[str, str], str]

DEFAULT_POLL_SECONDS = 300.0  # a look at each open pull request every 5 minutes, without a webhook


def github_settings(get: Get, error: type[Exception]) -> dict[str, Any]:
    """GITHUB_*: a repository with a token or a whole GitHub App, or nothing at all."""
    repo = get("GITHUB_REPO", "")
    owner, _, name = repo.partition("/")
    if repo and (not owner or not name or "/" in name):
        raise error(f"GITHUB_REPO must be owner/name, such as acme/glossary, not {repo!r}; see .env.example")
    app = {key: get(key, "") for key in ("GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_INSTALLATION_ID")}
    if any(app.values()) and not all(app.values()):
        missing = next(key for key, value in app.items() if not value)
        raise error(
            f"{missing} is not set: a GitHub App needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and "
            "GITHUB_INSTALLATION_ID; see README, 'Changes as pull requests'"
        )
    installation = app["GITHUB_INSTALLATION_ID"]
    if installation and not installation.isdigit():
        raise error(f"GITHUB_INSTALLATION_ID must be a number, not {installation!r}; see .env.example")
    token = get("GITHUB_TOKEN", "")
    if repo and not token and not all(app.values()):
        raise error(
            "GITHUB_REPO is set but neither GITHUB_TOKEN nor a GitHub App (GITHUB_APP_ID, …) is; "
            "see README, 'Changes as pull requests'"
        )
    return {
        "github_repo": repo,
        "github_token": token,
        "github_app_id": app["GITHUB_APP_ID"],
        # A PEM in one environment variable usually arrives with its line breaks written as a backslash and an n.
        "github_app_private_key": app["GITHUB_APP_PRIVATE_KEY"].replace("\\n", "\n"),
        "github_installation_id": int(installation or 0),
        "github_api_url": get("GITHUB_API_URL", ""),
        "github_base_branch": get("GITHUB_BASE_BRANCH", "main"),
        "github_terms_dir": get("GITHUB_TERMS_DIR", "data/terms").strip("/"),
        "github_webhook_secret": get("GITHUB_WEBHOOK_SECRET", ""),
        "github_poll_seconds": _poll_seconds(get, bool(repo), bool(get("GITHUB_WEBHOOK_SECRET", "")), error),
    }


def _poll_seconds(get: Get, repo: bool, webhook: bool, error: type[Exception]) -> float:
    """GITHUB_POLL_SECONDS: polling is the way back when no webhook is set up, and may run beside one."""
    raw = get("GITHUB_POLL_SECONDS", "")
    if not raw:
        return DEFAULT_POLL_SECONDS if repo and not webhook else 0.0
    try:
        seconds = float(raw)
        if not math.isfinite(seconds) or seconds < 0 or 0 < seconds < 1:
            raise ValueError
    except ValueError:
        raise error(
            f"GITHUB_POLL_SECONDS must be 0 (never) or a number of seconds from 1, not {raw[:20]!r}; see .env.example"
        ) from None
    return seconds
