"""Settings, read once from the environment and passed down. Nothing else reads os.environ.

`.env` is read only by the entry points, through bot/startup.py, never here, so tests see exactly the
environment they build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .glossary.model import LICENSE

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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
    digest_day: int = 0  # the weekly review digest's day, Monday = 0
    digest_hour: int = 9  # …and hour, in digest_tz
    digest_tz: str = "UTC"
    lookup_retention_days: int = 90  # lookup analytics older than this are purged
    # The outbox (bot/state/outbox.py): how long a worker holds a letter, how many tries, the first retry's wait.
    outbox_lease_seconds: float = 60.0
    outbox_max_attempts: int = 8
    outbox_retry_seconds: float = 2.0
    # MEANING_LANE=off: questions are answered by the word lane alone (see README, "How a term is found").
    meaning_lane: bool = True
    # EXPLAIN_VIEWED=off: the agent DM does not read the channel or thread a person is looking at.
    explain_viewed: bool = True
    # UNFURL_WORK_OBJECTS=off: term links unfurl as classic cards only, never as Work Objects.
    unfurl_work_objects: bool = True

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
            database_url=get("DATABASE_URL"),
            glossary_name=get("GLOSSARY_NAME", "AI Glossary"),
            glossary_url=get("GLOSSARY_URL"),
            owners_file=Path(get("OWNERS_FILE", "data/owners.yml")),
            terminology_file=Path(get("TERMINOLOGY_FILE")) if get("TERMINOLOGY_FILE") else None,
            mcp_token=get("MCP_TOKEN"),
            mcp_public_url=get("MCP_PUBLIC_URL").rstrip("/"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            meaning_lane=_switch(get("MEANING_LANE", "on"), "MEANING_LANE"),
            explain_viewed=_switch(get("EXPLAIN_VIEWED", "on"), "EXPLAIN_VIEWED"),
            unfurl_work_objects=_switch(get("UNFURL_WORK_OBJECTS", "on"), "UNFURL_WORK_OBJECTS"),
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

    def require(self, *names: str) -> None:
        """Stop with one line naming the first missing variable."""
        for name in names:
            if not getattr(self, name.lower()):
                raise SettingsError(
                    f"{name} is not set; copy .env.example to .env and fill it in (see README, 'Connect to Slack')"
                )


def _outbox_settings(get: Get) -> dict[str, Any]:
    """OUTBOX_LEASE_SECONDS, OUTBOX_MAX_ATTEMPTS and OUTBOX_RETRY_SECONDS: positive numbers, or their defaults."""
    found: dict[str, Any] = {}
    for name, key, kind, default in (
        ("OUTBOX_LEASE_SECONDS", "outbox_lease_seconds", float, "60"),
        ("OUTBOX_MAX_ATTEMPTS", "outbox_max_attempts", int, "8"),
        ("OUTBOX_RETRY_SECONDS", "outbox_retry_seconds", float, "2"),
    ):
        try:
            value = kind(get(name, default))
        except ValueError:
            value = 0
        if value <= 0:
            raise SettingsError(f"{name} must be a positive number, not {get(name, default)!r}; see .env.example")
        found[key] = value
    return found


def _numbers(get: Get) -> dict[str, Any]:
    """PORT, GLOSSARY_RELOAD_SECONDS, MCP_PORT and GLOSSARY_MAX_FILE_BYTES."""
    try:
        port = int(get("PORT", "3000"))
    except ValueError:
        raise SettingsError(f"PORT must be a number, not {get('PORT', '')!r}; see .env.example") from None
    try:
        reload_seconds = float(get("GLOSSARY_RELOAD_SECONDS", "30"))
    except ValueError:
        raise SettingsError("GLOSSARY_RELOAD_SECONDS must be a number of seconds; see .env.example") from None
    try:
        mcp_port = int(get("MCP_PORT", "8765"))
    except ValueError:
        raise SettingsError(f"MCP_PORT must be a number, not {get('MCP_PORT', '')!r}; see .env.example") from None
    try:
        max_file_bytes = int(get("GLOSSARY_MAX_FILE_BYTES", "1000000"))
    except ValueError:
        max_file_bytes = 0
    if max_file_bytes < 1:
        raise SettingsError(
            "GLOSSARY_MAX_FILE_BYTES must be a whole number of bytes, such as 1000000; see .env.example"
        )
    return {
        "port": port,
        "reload_seconds": reload_seconds,
        "mcp_port": mcp_port,
        "glossary_max_file_bytes": max_file_bytes,
    }


def _retention_and_logs(get: Get) -> dict[str, Any]:
    """LOOKUP_RETENTION_DAYS (1 or more) and LOG_LEVEL."""
    retention = get("LOOKUP_RETENTION_DAYS", "90")
    if not retention.isdigit() or int(retention) < 1:
        raise SettingsError(
            f"LOOKUP_RETENTION_DAYS must be a whole number of days, 1 or more, not {retention!r}; see .env.example"
        )
    log_level = get("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {get('LOG_LEVEL', '')!r}; see .env.example"
        )
    return {"lookup_retention_days": int(retention), "log_level": log_level}


def _slack(get: Get) -> dict[str, Any]:
    """The tokens, the API's address, the requests channel and the reviewers."""
    api_url = get("SLACK_API_URL", "")
    if api_url and not api_url.endswith("/"):
        api_url += "/"  # slack_sdk drops the last path part of a base URL without its slash
    return {
        "slack_bot_token": get("SLACK_BOT_TOKEN", ""),
        "slack_signing_secret": get("SLACK_SIGNING_SECRET", ""),
        "slack_app_token": get("SLACK_APP_TOKEN", ""),
        "slack_api_url": api_url,
        "requests_channel": get("REQUESTS_CHANNEL", ""),
        "reviewers": tuple(r for r in get("REVIEWERS", "").replace(",", " ").split() if r),
    }
