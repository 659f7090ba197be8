"""Every bad or unreachable setting, at start or in a command: one line naming the setting and the fix, exit 2
(a wrong setting) or 1 (something unreachable), never a traceback. Real processes, as a person runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from e2e.harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from test_serve import free_port


@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def run(tmp_path, args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k != "DATABASE_URL"}
    base.update(
        PORT=str(free_port()),
        DATA_DIR=str(tmp_path / "var"),
        GLOSSARY_DIR=str(BUNDLED_TERMS),
        ROLES_FILE=str(BUNDLED_ROLES),
        GLOSSARY_RELOAD_SECONDS="0",
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=base, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def one_line(proc, code: int, *words: str) -> str:
    err = proc.stderr
    assert proc.returncode == code, err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("glossary-bot:")]
    assert len(lines) == 1, err
    assert not [line for line in err.splitlines() if " ERROR " in line], err  # nothing else claims a failure
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def slack(fake, **more):
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url} | more


@pytest.mark.slow
def test_rejected_bot_token(tmp_path, fake_slack):
    fake_slack.fail_methods["auth.test"] = "invalid_auth"
    one_line(run(tmp_path, ["serve"], **slack(fake_slack)), 2, "SLACK_BOT_TOKEN", "invalid_auth", "OAuth")


@pytest.mark.slow
def test_unreachable_slack(tmp_path):
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    env["SLACK_API_URL"] = f"http://127.0.0.1:{free_port()}/api/"
    one_line(run(tmp_path, ["serve"], **env), 1, "SLACK_API_URL", "cannot be reached")


@pytest.mark.slow
def test_bad_database_url(tmp_path, fake_slack):
    one_line(run(tmp_path, ["serve"], **slack(fake_slack, DATABASE_URL="not a url")), 2, "DATABASE_URL")


@pytest.mark.slow
def test_unreachable_database_url(tmp_path, fake_slack):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/gone"
    one_line(run(tmp_path, ["serve"], **slack(fake_slack, DATABASE_URL=url)), 1, "DATABASE_URL", "cannot be reached")


@pytest.mark.slow
def test_data_dir_that_cannot_be_written(tmp_path, fake_slack):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = slack(fake_slack, DATA_DIR=str(blocker / "var"))
    one_line(run(tmp_path, ["serve"], **env), 1, "DATA_DIR", "not writable")


@pytest.mark.slow
def test_bogus_log_level(tmp_path, fake_slack):
    one_line(run(tmp_path, ["serve"], **slack(fake_slack, LOG_LEVEL="bogus")), 2, "LOG_LEVEL", "'bogus'")


@pytest.mark.slow
def test_a_meaning_lane_setting_that_is_neither_on_nor_off(tmp_path):
    one_line(run(tmp_path, ["ask", "what is rag"], MEANING_LANE="maybe"), 2, "MEANING_LANE", "on or off")


@pytest.mark.slow
def test_the_meaning_lane_switched_off_answers_by_words_only(tmp_path):
    """The same description, with the lane on and off: `ask --json` says how it was found."""
    on = run(tmp_path, ["ask", "--json", "the bot invents answers that sound right"])
    off = run(tmp_path, ["ask", "--json", "the bot invents answers that sound right"], MEANING_LANE="off")
    assert json.loads(on.stdout)["closest"] and not json.loads(off.stdout)["closest"]


@pytest.mark.slow
def test_socket_mode_with_a_refused_app_token(tmp_path, fake_slack):
    fake_slack.fail_methods["apps.connections.open"] = "invalid_auth"
    env = slack(fake_slack, SLACK_APP_TOKEN="xapp-not-real")
    proc = run(tmp_path, ["serve"], **env)
    one_line(proc, 2, "SLACK_APP_TOKEN", "invalid_auth")
    assert "over Socket Mode" not in proc.stderr  # it never claimed to be serving


@pytest.mark.slow
def test_requests_export_with_a_bad_database_url(tmp_path):
    one_line(run(tmp_path, ["requests", "export"], DATABASE_URL="nonsense://"), 2, "DATABASE_URL")


@pytest.mark.slow
def test_requests_export_with_an_unreachable_database(tmp_path):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/gone"
    one_line(run(tmp_path, ["requests", "export"], DATABASE_URL=url), 1, "DATABASE_URL")


def test_an_unexpected_error_is_not_dressed_up_as_a_setting(tmp_path, monkeypatch):
    """A bug keeps its traceback (Python prints it once): main() lets it through instead of a made-up line."""
    from bot.cli import main as cli

    def broken(args, settings):
        raise RuntimeError("a bug, not a setting")

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "terms").mkdir(parents=True)  # a glossary folder: else that is the one line
    monkeypatch.setattr(cli, "cmd_check", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["check"])


# Issue 19: settings that ended in a traceback (a port out of range, a MySQL URL, a malformed host, a base
# URL without a scheme, inf/huge numbers that fail the worker's boot) or were accepted silently (a channel
# name, a person's name, a javascript: link). Each is now one line naming the setting, exit 2; a URL's
# password is never echoed.
BAD_SETTINGS = [
    ({"DATABASE_URL": "mysql://app:hunter2@127.0.0.1/glossary"}, ["DATABASE_URL", "mysql://…", "postgresql://"]),
    ({"DATABASE_URL": "postgresql://app:hunter2@[::1:5432/x"}, ["DATABASE_URL", "malformed host or port"]),
    ({"PORT": "99999"}, ["PORT", "1 to 65535"]),
    ({"MCP_PORT": "0"}, ["MCP_PORT", "1 to 65535"]),
    ({"SLACK_API_URL": "not a url"}, ["SLACK_API_URL", "http(s)"]),
    ({"GLOSSARY_URL": "javascript:alert(1)"}, ["GLOSSARY_URL", "http(s)"]),
    ({"GLOSSARY_RELOAD_SECONDS": "nan"}, ["GLOSSARY_RELOAD_SECONDS", "0 or more"]),
    ({"GLOSSARY_MAX_FILE_BYTES": "99999999999999"}, ["GLOSSARY_MAX_FILE_BYTES", "100000000"]),
    ({"LOOKUP_RETENTION_DAYS": "99999999999"}, ["LOOKUP_RETENTION_DAYS", "1 to 3650"]),
    ({"OUTBOX_LEASE_SECONDS": "inf"}, ["OUTBOX_LEASE_SECONDS", "positive"]),
    ({"REQUESTS_CHANNEL": "#general"}, ["REQUESTS_CHANNEL", "channel id"]),
    ({"REVIEWERS": "U0123ABCD alice"}, ["REVIEWERS", "'alice'"]),
]


@pytest.mark.parametrize(("env", "words"), BAD_SETTINGS, ids=[next(iter(e)) for e, _ in BAD_SETTINGS])
def test_a_bad_setting_is_one_line_and_exit_2_for_serve_and_mcp(tmp_path, fake_slack, env, words):
    for command in (["serve"], ["mcp", "--http"]):
        proc = run(tmp_path, command, **slack(fake_slack, **env))
        line = one_line(proc, 2, *words)
        assert "hunter2" not in proc.stderr, line


def test_a_glossary_folder_that_does_not_exist_is_one_line_not_an_empty_glossary(tmp_path):
    missing = tmp_path / "no-such-folder"
    for command in (["check"], ["define", "rag"], ["mcp"]):
        one_line(run(tmp_path, command, GLOSSARY_DIR=str(missing)), 2, "GLOSSARY_DIR", str(missing), "not a folder")


def test_a_revoked_bot_token_in_socket_mode_is_one_line(tmp_path, fake_slack):
    """Bolt checks the token itself when it builds the app: its BoltError was a 77-line traceback."""
    fake_slack.fail_methods["auth.test"] = "token_revoked"
    proc = run(tmp_path, ["serve"], **slack(fake_slack, SLACK_APP_TOKEN="xapp-not-real"))
    one_line(proc, 2, "SLACK_BOT_TOKEN", "token_revoked", "reinstall")


def test_a_normal_start_logs_no_warning(tmp_path, fake_slack):
    """Every start logged Bolt's "`token` will be unused" warning (our client carries the token)."""
    from test_serve import run_until_healthy, server_env, stop

    port = free_port()
    # A normal configuration names where requests go (without either, the start rightly warns that they reach nobody).
    normal = {"LOG_LEVEL": "INFO", "REQUESTS_CHANNEL": "CREQUESTS1", "REVIEWERS": "UREVIEW01"}
    env = server_env(tmp_path, fake_slack, port) | normal
    proc, log = run_until_healthy([sys.executable, "-m", "bot", "serve"], env, port, tmp_path)
    stop(proc, log)
    log.seek(0)
    text = log.read()
    log.close()
    assert "ASGI server listening" in text or "serving HTTP" in text  # it did start and log at INFO
    assert [line for line in text.splitlines() if " WARNING " in line or "[WARNING]" in line] == []
