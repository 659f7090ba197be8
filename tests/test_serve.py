"""Serving: the Procfile's gunicorn line and `python -m bot serve`, as real processes; Socket Mode chosen by token."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time

import pytest
from e2e.harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack, command_body, http, signed_post
from paths import BUNDLED_TERMS, ROOT
from ports import free_port

from bot.cli.main import main


@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def server_env(tmp_path, fake_slack, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        PORT=str(port),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATA_DIR=str(tmp_path / "var"),
        GLOSSARY_DIR=str(BUNDLED_TERMS),
        ROLES_FILE=str(ROOT / "data" / "roles.yml"),
        LOG_LEVEL="DEBUG",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )
    return env


def run_until_healthy(cmd, env, port, tmp_path):
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 - the server writes to it until the test stops it
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http("GET", f"http://127.0.0.1:{port}/healthz").status == 200:
                return proc, log
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    log.seek(0)
    raise AssertionError("server did not come up:\n" + log.read())


def stop(proc, log):
    os.killpg(proc.pid, 15)
    proc.wait(timeout=15)
    log.flush()


def exercise(port, tmp_path, log):
    reply = signed_post(
        f"http://127.0.0.1:{port}/slack/events", command_body("RAG"), "application/x-www-form-urlencoded"
    )
    assert reply.status == 200 and reply.json()["blocks"][0]["text"]["text"] == "retrieval-augmented generation"
    health = http("GET", f"http://127.0.0.1:{port}/healthz").json()
    assert health["terms"] >= 30


def assert_no_secrets(log):
    log.seek(0)
    text = log.read()
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text
    return text


@pytest.mark.slow
def test_procfile_web_process(tmp_path, fake_slack):
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    port = free_port()
    proc, log = run_until_healthy(
        shlex.split(line[len("web:") :]), server_env(tmp_path, fake_slack, port), port, tmp_path
    )
    try:
        exercise(port, tmp_path, log)
    finally:
        stop(proc, log)
    text = assert_no_secrets(log)
    log.close()
    assert "auth.test" in text or fake_slack.of("auth.test")  # it really talked to the fake Slack


@pytest.mark.slow
def test_python_m_bot_serve_over_http(tmp_path, fake_slack):
    port = free_port()
    proc, log = run_until_healthy(
        [sys.executable, "-m", "bot", "serve"], server_env(tmp_path, fake_slack, port), port, tmp_path
    )
    try:
        exercise(port, tmp_path, log)
    finally:
        stop(proc, log)
    assert_no_secrets(log)
    log.close()


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_missing_setting_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, env, missing):
    monkeypatch.chdir(tmp_path)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and missing in err and ".env.example" in err and "Traceback" not in err


@pytest.mark.slow
def test_gunicorn_without_settings_stops_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(
        ["gunicorn", "bot.http.web:create_wsgi()", "--bind", f"127.0.0.1:{free_port()}"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "glossary-bot: SLACK_BOT_TOKEN is not set" in proc.stderr


def test_app_token_chooses_socket_mode(tmp_path, monkeypatch, fake_slack):
    import slack_bolt.adapter.socket_mode as socket_mode

    started = []

    class Recorder:
        def __init__(self, app, app_token, **options):
            started.append((app, app_token))

        def connect(self):  # serve() connects, says so, then waits forever (replaced below)
            started.append("started")

    monkeypatch.setattr(socket_mode, "SocketModeHandler", Recorder)
    monkeypatch.setattr("bot.http.serve.wait_forever", lambda: None)
    tuned = []  # the interpreter tuning of a server (bot/http/tuning.py), recorded instead of applied to pytest
    monkeypatch.setattr("bot.http.tuning.before_start", lambda: tuned.append("before start"))
    monkeypatch.setattr("bot.http.tuning.once_started", lambda: tuned.append("once started"))
    monkeypatch.chdir(tmp_path)
    for k, v in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": "xapp-test-not-real",
        "SLACK_API_URL": fake_slack.api_url,
        "DATA_DIR": str(tmp_path / "var"),
        "GLOSSARY_DIR": str(BUNDLED_TERMS),
        "GLOSSARY_RELOAD_SECONDS": "0",
    }.items():
        monkeypatch.setenv(k, v)
    assert main(["serve"]) == 0  # no signing secret needed in Socket Mode
    (app, token), marker = started
    assert token == "xapp-test-not-real" and marker == "started"
    assert tuned == ["before start", "once started"]  # Socket Mode serves: it is tuned
    assert app.client.base_url == fake_slack.api_url
