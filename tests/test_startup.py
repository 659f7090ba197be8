"""The one place entry points read settings: a .env in the working folder fills gaps, the environment wins,
and a bad setting stops the process with one line and the entry point's own exit code."""

from __future__ import annotations

import os

import pytest

from bot.startup import read_settings, settings_or_exit


@pytest.fixture
def environment(tmp_path, monkeypatch):
    """A private copy of the environment, so what .env loads does not leak into other tests."""
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if k not in ("PORT", "GLOSSARY_NAME")})
    monkeypatch.chdir(tmp_path)
    return os.environ


def test_dotenv_fills_gaps_and_the_environment_wins(tmp_path, environment):
    (tmp_path / ".env").write_text("PORT=4100\nGLOSSARY_NAME=From dotenv\n")
    environment["GLOSSARY_NAME"] = "From the environment"
    settings = read_settings()
    assert settings.port == 4100 and settings.glossary_name == "From the environment"


def test_a_bad_setting_is_one_line_and_the_callers_exit_code(tmp_path, environment, capsys):
    (tmp_path / ".env").write_text("PORT=eighty\n")
    with pytest.raises(SystemExit) as stopped:
        settings_or_exit(exit_code=3)
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glossary-bot: PORT must be a number") and "Traceback" not in err


def test_a_required_setting_that_is_missing_is_named(environment, capsys):
    with pytest.raises(SystemExit) as stopped:
        settings_or_exit("SLACK_BOT_TOKEN", exit_code=2)
    assert stopped.value.code == 2 and "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
