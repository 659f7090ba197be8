"""`python -m bot ask`: what a mention or DM answers, as define's JSON plus the framing; comparisons."""

from __future__ import annotations

import json

import pytest
from conftest import BUNDLED_TERMS

from bot.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ask_json_has_the_define_shape_and_the_framing(env, capsys):
    code, out, _ = run(capsys, "ask", "explain the KV cache to execs", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"status", "query", "how", "terms", "closest", "framing"}
    assert data["status"] == "hit" and data["framing"] == "exec"
    assert data["terms"][0]["slug"] == "kv-cache" and set(data["terms"][0]) == {"slug", "term", "score", "matched"}


def test_ask_comparison_carries_both_terms(env, capsys):
    code, out, _ = run(capsys, "ask", "rag vs fine-tuning", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "comparison"
    assert [t["slug"] for t in data["terms"]] == ["retrieval-augmented-generation", "fine-tuning"]
    code, out, _ = run(capsys, "ask", "rag vs fine-tuning")
    assert "compares two terms" in out and "fine-tuning:" in out


def test_ask_miss_exits_1(env, capsys):
    code, out, _ = run(capsys, "ask", "what's for lunch?", "--json")
    assert code == 1 and json.loads(out)["status"] == "miss"
