"""The OAuth install's settings: SLACK_SCOPES turns it on, and anything half set is one line naming what is
missing; a wrong or missing key stops `serve` with one line and exit 2; with none of them the bot stays the
single-token bot it always was. The whole install itself is tested end to end in tests/e2e/test_oauth_install.py."""

from __future__ import annotations

import sys

import pytest
from cryptography.fernet import Fernet
from e2e.fake_slack_oauth import CLIENT_ID, CLIENT_SECRET, SCOPES
from e2e.harness import http
from test_serve import free_port, run_until_healthy, server_env, stop
from test_settings_failures import fake_slack, one_line, run  # noqa: F401 - fake_slack is a fixture

from bot.config import Settings, SettingsError
from bot.slack.install.sealed import Sealer
from bot.slack.install.store import SealedInstallationStore
from bot.state.store import Store

KEY = Fernet.generate_key().decode()
OAUTH = {
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SLACK_SCOPES": SCOPES,
    "SLACK_TOKEN_KEYS": KEY,
}


def test_nothing_set_is_the_single_token_bot():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-x"})
    assert not settings.oauth_install and settings.uninstall_data == "keep"


def test_mcp_sign_ins_client_id_and_secret_alone_do_not_turn_the_install_on():
    assert not Settings.from_env({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}).oauth_install


def test_the_whole_set_turns_it_on_and_keys_are_newest_first():
    old = Fernet.generate_key().decode()
    settings = Settings.from_env({**OAUTH, "SLACK_TOKEN_KEYS": f"{KEY}, {old}", "UNINSTALL_DATA": "Delete"})
    assert settings.oauth_install and settings.slack_scopes == tuple(SCOPES.split(","))
    assert settings.slack_token_keys == (KEY, old) and settings.uninstall_data == "delete"
    assert KEY not in repr(settings) and CLIENT_SECRET not in repr(settings)
    Settings.from_env({**OAUTH, "SLACK_SIGNING_SECRET": "s"}).require_slack()  # no SLACK_BOT_TOKEN asked for


@pytest.mark.parametrize("missing", list(OAUTH))
def test_each_missing_part_is_named(missing):
    given = {k: v for k, v in OAUTH.items() if k != missing}
    with pytest.raises(SettingsError, match=f"^{missing} is not set") as raised:
        Settings.from_env(given)
    assert "\n" not in str(raised.value) and "Install in several workspaces" in str(raised.value)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SLACK_TOKEN_KEYS": "not-a-key"}, ["SLACK_TOKEN_KEYS key 1", "Fernet", "generate_key"]),
        ({"SLACK_TOKEN_KEYS": f"{KEY},short"}, ["SLACK_TOKEN_KEYS key 2"]),
        ({"TOKEN_ROTATION_MINUTES": "0"}, ["TOKEN_ROTATION_MINUTES", "1 to 720"]),
        ({"UNINSTALL_DATA": "purge"}, ["UNINSTALL_DATA", "keep or delete"]),
        ({"SLACK_REDIRECT_URI": "javascript:x"}, ["SLACK_REDIRECT_URI", "http(s)"]),
    ],
)
def test_a_bad_value_is_one_line_naming_it(env, words):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**OAUTH, **env})
    assert all(word in str(raised.value) for word in words), raised.value


def test_the_signing_secret_is_still_required():
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        Settings.from_env(OAUTH).require_slack()


# --- at start, in a real process -------------------------------------------------------------------------------


def test_serve_with_a_half_configured_install_is_one_line_and_exit_2(tmp_path, fake_slack):  # noqa: F811
    env = {"SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake_slack.api_url, "SLACK_SCOPES": SCOPES}
    one_line(run(tmp_path, ["serve"], **env, SLACK_CLIENT_ID=CLIENT_ID), 2, "SLACK_CLIENT_SECRET is not set")


def test_serve_with_the_wrong_key_is_one_line_and_exit_2(tmp_path, fake_slack):  # noqa: F811
    from test_install_store import workspace

    store = Store(f"sqlite:///{tmp_path / 'var' / 'state.db'}")
    SealedInstallationStore(CLIENT_ID, store.engine, Sealer([Fernet.generate_key().decode()])).save(workspace())
    store.close()
    env = {**OAUTH, "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake_slack.api_url}
    one_line(run(tmp_path, ["serve"], **env), 2, "SLACK_TOKEN_KEYS cannot open the stored Slack tokens", "put it back")


def test_socket_mode_with_the_oauth_install_is_one_line_and_exit_2(tmp_path, fake_slack):  # noqa: F811
    env = {**OAUTH, "SLACK_APP_TOKEN": "xapp-not-real", "SLACK_API_URL": fake_slack.api_url}
    one_line(run(tmp_path, ["serve"], **env), 2, "SLACK_APP_TOKEN", "SLACK_SCOPES", "unset SLACK_APP_TOKEN")


def test_serve_starts_with_no_bot_token_and_shows_the_install_page(tmp_path, fake_slack):  # noqa: F811
    """The Procfile's server (gunicorn, the ASGI front) with the install on: no SLACK_BOT_TOKEN at all."""
    port = free_port()
    env = server_env(tmp_path, fake_slack, port) | OAUTH | {"LOG_LEVEL": "INFO"}
    env.pop("SLACK_BOT_TOKEN")
    proc, log = run_until_healthy([sys.executable, "-m", "bot", "serve"], env, port, tmp_path)
    try:
        page = http("GET", f"http://127.0.0.1:{port}/slack/install")
        assert page.status == 200 and "https://slack.com/oauth/v2/authorize?" in page.body
        cookie = {k.lower(): v for k, v in page.headers.items()}.get("set-cookie", "")
        assert cookie.startswith("slack-app-oauth-state=") and "HttpOnly" in cookie
    finally:
        stop(proc, log)
    assert fake_slack.of("auth.test") == []  # no token to check at start: each workspace's is checked when used
