"""Settings, read once from the environment and passed down. Nothing else reads os.environ.

`.env` is read only by the entry points, through bot/startup.py, never here, so tests see exactly the
environment they build.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config_github import github_settings
from .config_ids import CHANNEL_ID as CHANNEL_ID
from .config_ids import glossary_folders, reviewer_ids, team_id
from .config_install import oauth_install_settings
from .glossary.model import LICENSE
from .state.team import Team

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_FILE_BYTES_LIMIT = 100_000_000  # a term file of 100 MB is a mistake; beyond it one read could exhaust memory
MAX_RETENTION_DAYS = 3650  # ten years; more overflows date arithmetic, and no one needs it
# The state database's engines: PostgreSQL (as platforms write it, or with its driver named) or SQLite.
DATABASE_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg", "sqlite")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


Get = Callable[[str, str], str]  # a variable's value, stripped, or the default
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _digest_time(get: Get) -> dict[str, Any]:
    """DIGEST_DAY (a weekday name, or its first three letters), DIGEST_HOUR (0-23), DIGEST_TZ (an IANA zone)."""
    day = get("DIGEST_DAY", "monday").lower()
    matches = [i for i, name in enumerate(WEEKDAYS) if day in (name, name[:3])]
    if not matches:
        raise SettingsError(f"DIGEST_DAY must be a weekday such as monday, not {day!r}; see .env.example")
    try:
        hour = int(get("DIGEST_HOUR", "9"))
        if not 0 <= hour <= 23:
            raise ValueError
    except ValueError:
        raise SettingsError(f"DIGEST_HOUR must be an hour from 0 to 23, not {get('DIGEST_HOUR', '')!r}") from None
    tz = get("DIGEST_TZ", "UTC")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"DIGEST_TZ must be a time zone such as Europe/Paris, not {tz!r}") from None
    return {"digest_day": matches[0], "digest_hour": hour, "digest_tz": tz}


def _switch(value: str, name: str) -> bool:
    """on/off (or true/false, yes/no, 1/0), any case."""
    word = value.lower()
    if word in ("on", "true", "yes", "1"):
        return True
    if word in ("off", "false", "no", "0"):
        return False
    raise SettingsError(f"{name} must be on or off, not {value!r}; see .env.example")


@dataclass(frozen=True)
class Settings:
    glossary_dir: Path = Path("data/terms")
    roles_file: Path = Path("data/roles.yml")
    data_dir: Path = Path("var")
    database_url: str = ""  # state database; empty means a SQLite file under data_dir
    glossary_name: str = "AI Glossary"
    glossary_url: str = ""  # the published docs site, linked from cards when set
    license: str = LICENSE
    port: int = 3000
    reload_seconds: float = 30.0
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = ""
    requests_channel: str = ""
    reviewers: tuple[str, ...] = ()
    # The home team (bot/state/team.py): the workspace (T…) or org (E…) whose rows the command line, the MCP
    # server and the outbox's own notices use, and which revision 0009 gives older rows to. Empty: the one team
    # the state database knows; a serving bot asks Slack's auth.test.
    slack_team_id: str = ""
    slack_enterprise_id: str = ""
    log_level: str = "INFO"
    mcp_port: int = 8765  # `python -m bot mcp --http`
    mcp_token: str = field(default="", repr=False)  # the bearer token MCP clients send over HTTP
    # Sign-in for MCP over HTTP (bot/mcp/oauth): the server's public address and the Slack app's OpenID client.
    mcp_public_url: str = ""
    slack_client_id: str = ""
    slack_client_secret: str = field(default="", repr=False)
    # The most bytes one term file may have (GLOSSARY_MAX_FILE_BYTES); bot.glossary.parse.DEFAULT_MAX_FILE_BYTES.
    glossary_max_file_bytes: int = 1_000_000
    owners_file: Path = Path("data/owners.yml")  # who owns which terms, and review intervals
    # Senses, usage and languages (bot/glossary/sidecar.py); None: terminology.yml beside the term folder.
    terminology_file: Path | None = None
    # GLOSSARIES: a term folder per workspace (T…) or Grid org (E…); the rest are answered from glossary_dir.
    glossaries: tuple[tuple[str, Path], ...] = ()
    digest_day: int = 0  # the weekly review digest's day, Monday = 0
    digest_hour: int = 9  # …and hour, in digest_tz
    digest_tz: str = "UTC"
    lookup_retention_days: int = 90  # lookup analytics older than this are purged
    # The outbox (bot/state/outbox.py): how long a worker holds a letter, the first retry's wait, and how many
    # tries a pull request gets from a failing git host (bot/pulls/delivery.py). A Slack letter is never ended by a
    # count of tries, which 429s and outages would run out: its 24 h deadline does (bot/slack/outbox/delivery.py).
    outbox_lease_seconds: float = 60.0
    outbox_max_attempts: int = 8
    outbox_retry_seconds: float = 2.0
    # How long a letter whose try may have reached Slack waits for Slack's echo of it (message_metadata_posted)
    # before it is taken as not posted: past Slack's last event retry (about 6 minutes after the post).
    outbox_echo_wait_seconds: float = 420.0
    # MEANING_LANE=off: questions are answered by the word lane alone (see README, "How a term is found").
    meaning_lane: bool = True
    # EXPLAIN_VIEWED=off: the agent DM does not read the channel or thread a person is looking at.
    explain_viewed: bool = True
    # UNFURL_WORK_OBJECTS=off: term links unfurl as classic cards only, never as Work Objects.
    unfurl_work_objects: bool = True
    # Changes as pull requests (README, "Changes as pull requests"): the repository and how the bot signs in.
    github_repo: str = ""  # owner/name; empty: no pull requests are opened
    github_token: str = field(default="", repr=False)  # a fine-grained token, or…
    github_app_id: str = ""  # …a GitHub App: its id, private key (PEM) and the installation's id
    github_app_private_key: str = field(default="", repr=False)
    github_installation_id: int = 0
    github_api_url: str = ""  # GitHub Enterprise, or a fake in tests; empty: api.github.com
    github_base_branch: str = "main"
    github_terms_dir: str = "data/terms"  # where the term files sit in the repository
    github_webhook_secret: str = field(default="", repr=False)
    # Seconds between two looks at the open pull requests (bot/pulls/polling.py); 0: never. Unset: every 5
    # minutes with a repository and no webhook secret, never with one (the webhook tells).
    github_poll_seconds: float = 0.0
    # The OAuth install (bot/config_install.py), on when SLACK_SCOPES is set, with SLACK_CLIENT_ID/SECRET above.
    slack_scopes: tuple[str, ...] = ()
    slack_token_keys: tuple[str, ...] = field(default=(), repr=False)  # Fernet keys, newest first
    slack_redirect_uri: str = ""  # empty: Slack uses the app's one redirect URL
    token_rotation_minutes: int = 120  # refresh a rotating token this long before it expires
    uninstall_data: str = "keep"  # keep | delete: the team's rows when the app is uninstalled

    @property
    def oauth_install(self) -> bool:
        """Tokens come from the OAuth install flow, one per workspace or org, instead of SLACK_BOT_TOKEN."""
        return bool(self.slack_scopes)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Settings from these variables; a bad one is a SettingsError naming it (the first, in this order)."""

        def get(name: str, default: str = "") -> str:
            return (env.get(name) or default).strip()

        return cls(
            **_numbers(get),
            **_digest_time(get),
            **_retention_and_logs(get),
            **_outbox_settings(get),
            **_slack(get),
            glossary_dir=Path(get("GLOSSARY_DIR", "data/terms")),
            roles_file=Path(get("ROLES_FILE", "data/roles.yml")),
            data_dir=Path(get("DATA_DIR", "var")),
            database_url=_database_url(get("DATABASE_URL")),
            glossary_name=get("GLOSSARY_NAME", "AI Glossary"),
            glossary_url=_web_address(get, "GLOSSARY_URL", "https://glossary.example.org/"),
            owners_file=Path(get("OWNERS_FILE", "data/owners.yml")),
            terminology_file=Path(get("TERMINOLOGY_FILE")) if get("TERMINOLOGY_FILE") else None,
            glossaries=glossary_folders(get("GLOSSARIES"), SettingsError),
            mcp_token=get("MCP_TOKEN"),
            mcp_public_url=get("MCP_PUBLIC_URL").rstrip("/"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            meaning_lane=_switch(get("MEANING_LANE", "on"), "MEANING_LANE"),
            explain_viewed=_switch(get("EXPLAIN_VIEWED", "on"), "EXPLAIN_VIEWED"),
            unfurl_work_objects=_switch(get("UNFURL_WORK_OBJECTS", "on"), "UNFURL_WORK_OBJECTS"),
            **github_settings(get, SettingsError),
            **oauth_install_settings(get, SettingsError),
        )

    @property
    def terminology_path(self) -> Path:
        """The sidecar: TERMINOLOGY_FILE, else terminology.yml beside the term folder (data/terminology.yml)."""
        return self.terminology_file or self.glossary_dir.parent / "terminology.yml"

    @property
    def glossary_db(self) -> Path:
        return self.data_dir / "glossary.db"

    @property
    def state_url(self) -> str:
        if self.database_url:
            # Procfile platforms hand out postgres:// URLs; SQLAlchemy wants a driver named.
            url = self.database_url
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix) :]
            return url
        return f"sqlite:///{self.data_dir / 'state.db'}"

    @property
    def home_team(self) -> Team | None:
        """SLACK_TEAM_ID's team (with SLACK_ENTERPRISE_ID's org), or None: the one the state database knows."""
        return Team.of(self.slack_team_id, self.slack_enterprise_id)

    def require_glossary_folder(self, folder: Path | None = None) -> None:
        """Stop with one line when the term files' folder is not there: else a typo serves or checks an empty
        glossary ("0 terms loaded", exit 0) without a word."""
        if folder is None:  # the served glossaries: each GLOSSARIES folder too
            for owner, path in self.glossaries:
                if not path.is_dir():
                    raise SettingsError(f"GLOSSARIES: {owner}={path} is not a folder; point it at a term folder")
        folder = folder or self.glossary_dir
        if not folder.is_dir():
            raise SettingsError(
                f"GLOSSARY_DIR {folder} is not a folder; point GLOSSARY_DIR (or --glossary) at the term files, "
                "such as data/terms"
            )

    def require_slack(self) -> None:
        """The HTTP server's settings: the signing secret, and a bot token unless workspaces install through OAuth."""
        if not self.oauth_install:
            self.require("SLACK_BOT_TOKEN")
        self.require("SLACK_SIGNING_SECRET")

    def require(self, *names: str) -> None:
        """Stop with one line naming the first missing variable."""
        for name in names:
            if not getattr(self, name.lower()):
                raise SettingsError(
                    f"{name} is not set; copy .env.example to .env and fill it in (see README, 'Connect to Slack')"
                )


def _outbox_settings(get: Get) -> dict[str, Any]:
    """OUTBOX_LEASE_SECONDS, OUTBOX_MAX_ATTEMPTS, OUTBOX_RETRY_SECONDS and OUTBOX_ECHO_WAIT_SECONDS: positive
    numbers, or their defaults."""
    found: dict[str, Any] = {}
    for name, key, kind, default in (
        ("OUTBOX_LEASE_SECONDS", "outbox_lease_seconds", float, "60"),
        ("OUTBOX_MAX_ATTEMPTS", "outbox_max_attempts", int, "8"),
        ("OUTBOX_RETRY_SECONDS", "outbox_retry_seconds", float, "2"),
        ("OUTBOX_ECHO_WAIT_SECONDS", "outbox_echo_wait_seconds", float, "420"),
    ):
        try:
            value = kind(get(name, default))
        except ValueError:
            value = 0
        if value <= 0 or not math.isfinite(value):
            raise SettingsError(f"{name} must be a positive number, not {get(name, default)!r}; see .env.example")
        found[key] = value
    return found


def _numbers(get: Get) -> dict[str, Any]:
    """PORT, GLOSSARY_RELOAD_SECONDS, MCP_PORT and GLOSSARY_MAX_FILE_BYTES."""
    port = _port(get, "PORT", "3000")
    reload_seconds = _reload_seconds(get)
    mcp_port = _port(get, "MCP_PORT", "8765")
    max_file_bytes = _max_file_bytes(get)
    return {
        "port": port,
        "reload_seconds": reload_seconds,
        "mcp_port": mcp_port,
        "glossary_max_file_bytes": max_file_bytes,
    }


def _retention_and_logs(get: Get) -> dict[str, Any]:
    """LOOKUP_RETENTION_DAYS (1 to MAX_RETENTION_DAYS) and LOG_LEVEL."""
    retention = get("LOOKUP_RETENTION_DAYS", "90")
    if not retention.isdigit() or not 1 <= int(retention) <= MAX_RETENTION_DAYS:
        raise SettingsError(
            f"LOOKUP_RETENTION_DAYS must be a whole number of days from 1 to {MAX_RETENTION_DAYS}, not "
            f"{retention[:20]!r}; see .env.example"
        )
    log_level = get("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {get('LOG_LEVEL', '')!r}; see .env.example"
        )
    return {"lookup_retention_days": int(retention), "log_level": log_level}


def _slack(get: Get) -> dict[str, Any]:
    """The tokens, the API's address, the requests channel and the reviewers."""
    api_url = _web_address(get, "SLACK_API_URL", "https://slack.com/api/")
    if api_url and not api_url.endswith("/"):
        api_url += "/"  # slack_sdk drops the last path part of a base URL without its slash
    return {
        "slack_bot_token": get("SLACK_BOT_TOKEN", ""),
        "slack_signing_secret": get("SLACK_SIGNING_SECRET", ""),
        "slack_app_token": get("SLACK_APP_TOKEN", ""),
        "slack_api_url": api_url,
        "requests_channel": get("REQUESTS_CHANNEL", ""),
        "reviewers": reviewer_ids(get, SettingsError),  # REQUESTS_CHANNEL is checked there too
        "slack_team_id": team_id(get, "SLACK_TEAM_ID", "TE", SettingsError),
        "slack_enterprise_id": team_id(get, "SLACK_ENTERPRISE_ID", "E", SettingsError),
    }


def _port(get: Callable[[str, str], str], name: str, default: str) -> int:
    try:
        port = int(get(name, default))
        if not 1 <= port <= 65535:
            raise ValueError
    except ValueError:
        raise SettingsError(f"{name} must be a number from 1 to 65535 (a port), not {get(name, '')[:20]!r}") from None
    return port


def _reload_seconds(get: Callable[[str, str], str]) -> float:
    try:
        seconds = float(get("GLOSSARY_RELOAD_SECONDS", "30"))
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError
    except ValueError:
        raise SettingsError(
            "GLOSSARY_RELOAD_SECONDS must be a number of seconds, 0 or more; see .env.example"
        ) from None
    return seconds


def _max_file_bytes(get: Callable[[str, str], str]) -> int:
    try:
        most = int(get("GLOSSARY_MAX_FILE_BYTES", "1000000"))
    except ValueError:
        most = 0
    if not 1 <= most <= MAX_FILE_BYTES_LIMIT:
        raise SettingsError(
            f"GLOSSARY_MAX_FILE_BYTES must be a whole number of bytes from 1 to {MAX_FILE_BYTES_LIMIT}, such as "
            "1000000; see .env.example"
        )
    return most


def _web_address(get: Callable[[str, str], str], name: str, example: str) -> str:
    """An http(s) address, or empty: anything else fails at the first request (or links nowhere on a card)."""
    value = get(name, "")
    parts = urlsplit(value) if value else None
    if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc or " " in value):
        raise SettingsError(f"{name} must be an http(s) address such as {example}, not {value[:60]!r}")
    return value


def _database_url(url: str) -> str:
    """A PostgreSQL or SQLite URL, or empty. Only the scheme is ever shown: the rest may hold a password."""
    if not url:
        return url
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if _malformed(url):  # a bad host or port raises deep in the driver otherwise: a traceback, not a line
        raise SettingsError(
            f"DATABASE_URL ({scheme or '?'}://…) has a malformed host or port; use "
            "postgresql://user:password@host:5432/name"
        )
    if scheme not in DATABASE_SCHEMES:
        shown = f"{scheme}://…" if scheme else "a value without a scheme"
        raise SettingsError(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/name), or empty for "
            f"SQLite under DATA_DIR, not {shown}"
        )
    return url


def _malformed(url: str) -> bool:
    try:
        return urlsplit(url).port == -1  # never -1: reading .port is what checks the host and port
    except ValueError:
        return True
