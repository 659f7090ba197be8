"""Settings.from_env reads every variable into its field, and a bad value stops with one line naming the first bad
variable (read by settings family: numbers, the digest, retention and logs, the outbox)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError

EVERY = {
    "GLOSSARY_DIR": "g/terms",
    "ROLES_FILE": "g/roles.yml",
    "DATA_DIR": "d",
    "DATABASE_URL": "postgres://u@h/db",
    "GLOSSARY_NAME": "Our Glossary",
    "GLOSSARY_URL": "https://docs.example.org",
    "PORT": "8080",
    "GLOSSARY_RELOAD_SECONDS": "12.5",
    "SLACK_BOT_TOKEN": "xoxb-not-real",
    "SLACK_SIGNING_SECRET": "not-a-secret",
    "SLACK_APP_TOKEN": "xapp-not-real",
    "SLACK_API_URL": "http://127.0.0.1:9/api",
    "REQUESTS_CHANNEL": "CREQ1",
    "REVIEWERS": "U0001, S0002 U0003",
    "LOG_LEVEL": "debug",
    "MCP_PORT": "9001",
    "MCP_TOKEN": "tok-123456",
    "GLOSSARY_MAX_FILE_BYTES": "2048",
    "OWNERS_FILE": "g/owners.yml",
    "TERMINOLOGY_FILE": "g/terminology.yml",
    "GLOSSARIES": "T0TEAM001=g/team-terms,E0ORG0001=g/org-terms",
    "DIGEST_DAY": "Fri",
    "DIGEST_HOUR": "17",
    "DIGEST_TZ": "Europe/Paris",
    "LOOKUP_RETENTION_DAYS": "30",
    "OUTBOX_LEASE_SECONDS": "20",
    "OUTBOX_MAX_ATTEMPTS": "3",
    "OUTBOX_RETRY_SECONDS": "0.5",
    "OUTBOX_ECHO_WAIT_SECONDS": "30",
    "MCP_PUBLIC_URL": "https://glossary.example.org/",
    "SLACK_CLIENT_ID": "123.456",
    "SLACK_CLIENT_SECRET": "not-a-secret-either",
    "MEANING_LANE": "off",
    "EXPLAIN_VIEWED": "off",
    "UNFURL_WORK_OBJECTS": "off",
    "GITHUB_REPO": "acme/glossary",
    "GITHUB_TOKEN": "not-a-token",
    "GITHUB_APP_ID": "12",
    "GITHUB_APP_PRIVATE_KEY": "-----BEGIN KEY-----\\nx\\n-----END KEY-----",
    "GITHUB_INSTALLATION_ID": "34",
    "GITHUB_API_URL": "http://127.0.0.1:9/gh",
    "GITHUB_BASE_BRANCH": "trunk",
    "GITHUB_TERMS_DIR": "/glossary/terms/",
    "GITHUB_WEBHOOK_SECRET": "not-a-secret-3",
    "GITHUB_POLL_SECONDS": "90",
    "SLACK_TEAM_ID": "T0HOME01",
    "SLACK_ENTERPRISE_ID": "E0ORG001",
    "SLACK_SCOPES": "commands, chat:write",
    "SLACK_TOKEN_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "SLACK_REDIRECT_URI": "https://glossary.example.org/slack/oauth_redirect",
    "TOKEN_ROTATION_MINUTES": "60",
    "UNINSTALL_DATA": "delete",
}


def test_every_variable_reaches_its_field():
    s = Settings.from_env(EVERY)
    expected = Settings(
        glossary_dir=Path("g/terms"),
        roles_file=Path("g/roles.yml"),
        data_dir=Path("d"),
        database_url="postgres://u@h/db",
        glossary_name="Our Glossary",
        glossary_url="https://docs.example.org",
        port=8080,
        reload_seconds=12.5,
        slack_bot_token="xoxb-not-real",
        slack_signing_secret="not-a-secret",
        slack_app_token="xapp-not-real",
        slack_api_url="http://127.0.0.1:9/api/",
        requests_channel="CREQ1",
        reviewers=("U0001", "S0002", "U0003"),
        log_level="DEBUG",
        mcp_port=9001,
        mcp_token="tok-123456",
        glossary_max_file_bytes=2048,
        owners_file=Path("g/owners.yml"),
        terminology_file=Path("g/terminology.yml"),
        glossaries=(("T0TEAM001", Path("g/team-terms")), ("E0ORG0001", Path("g/org-terms"))),
        digest_day=4,
        digest_hour=17,
        digest_tz="Europe/Paris",
        lookup_retention_days=30,
        outbox_lease_seconds=20.0,
        outbox_max_attempts=3,
        outbox_retry_seconds=0.5,
        outbox_echo_wait_seconds=30.0,
        mcp_public_url="https://glossary.example.org",
        slack_client_id="123.456",
        slack_client_secret="not-a-secret-either",
        meaning_lane=False,
        explain_viewed=False,
        unfurl_work_objects=False,
        github_repo="acme/glossary",
        github_token="not-a-token",
        github_app_id="12",
        github_app_private_key="-----BEGIN KEY-----\nx\n-----END KEY-----",
        github_installation_id=34,
        github_api_url="http://127.0.0.1:9/gh",
        github_base_branch="trunk",
        github_terms_dir="glossary/terms",
        github_webhook_secret="not-a-secret-3",
        github_poll_seconds=90.0,
        slack_team_id="T0HOME01",
        slack_enterprise_id="E0ORG001",
        slack_scopes=("commands", "chat:write"),
        slack_token_keys=("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",),
        slack_redirect_uri="https://glossary.example.org/slack/oauth_redirect",
        token_rotation_minutes=60,
        uninstall_data="delete",
    )
    assert dataclasses.asdict(s) == dataclasses.asdict(expected)
    defaults = Settings()
    unchanged = [f.name for f in dataclasses.fields(Settings) if getattr(s, f.name) == getattr(defaults, f.name)]
    assert unchanged == ["license"]  # every setting but the license has a variable: a new one must be set above


def test_nothing_set_is_the_defaults():
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize(
    "bad",
    ["PORT", "GLOSSARY_RELOAD_SECONDS", "MCP_PORT", "GLOSSARY_MAX_FILE_BYTES", "DIGEST_HOUR", "LOOKUP_RETENTION_DAYS"]
    + ["LOG_LEVEL", "OUTBOX_MAX_ATTEMPTS"],
)
def test_the_first_bad_variable_is_the_one_named(bad):
    names = ["PORT", "GLOSSARY_RELOAD_SECONDS", "MCP_PORT", "GLOSSARY_MAX_FILE_BYTES", "DIGEST_HOUR"]
    names += ["LOOKUP_RETENTION_DAYS", "LOG_LEVEL", "OUTBOX_MAX_ATTEMPTS"]
    later = names[names.index(bad) :]  # this one and every one read after it are bad
    with pytest.raises(SettingsError, match=f"^{bad} must be"):
        Settings.from_env(dict.fromkeys(later, "nonsense"))
