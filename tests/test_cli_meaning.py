"""`python -m bot ask` on the terminal: small talk is a friendly line (not a miss, exit 0), and a miss names only
the missing words, then the glossary's closest terms under their mark, as Slack shows them."""

from __future__ import annotations

import pytest
from conftest import BUNDLED_TERMS

from bot.cli.main import main
from bot.cli.terminal import SMALL_TALK


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_small_talk_is_answered_kindly_and_is_not_a_miss(env, capsys):
    assert main(["ask", "thanks!"]) == 0
    assert capsys.readouterr().out.strip() == SMALL_TALK


def test_a_miss_names_just_the_missing_words_and_marks_the_closest_terms(env, capsys):
    assert main(["ask", "hey, what does model registry mean exactly?"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "No term matches 'model registry'."
    assert lines[1] == "Closest in the glossary:" and lines[2].startswith("  - ")
    assert "Did you mean" not in "\n".join(lines)
