"""The command line: exit codes, terminal cards and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from paths import BUNDLED_TERMS, ROOT
from termfactory import term_data, write_glossary, write_term

from bot.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no developer .env is found from here
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_bundled_is_clean(env, capsys):
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert "0 errors, 0 warnings" in out


def test_check_json_and_exit_1_on_errors(env, capsys):
    bad = env / "bad"
    write_glossary(
        bad,
        term_data("alpha"),
        term_data("beta", status="final"),
        term_data("gamma", relationships={"related": ["zeta"]}),
    )
    code, out, _ = run(capsys, "check", str(bad), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["terms"] == 2
    assert data["errors"] == [
        {
            "file": str(bad / "beta.yml"),
            "field": "status",
            "line": data["errors"][0]["line"],
            "message": "'final' is not a status; use one of draft, reviewed, approved, deprecated",
        }
    ]
    assert [w["field"] for w in data["warnings"]] == ["relationships.related[0]"]


def test_check_warnings_only_exits_0(env, capsys):
    d = write_glossary(env / "warn", term_data("alpha", relationships={"related": ["zeta"]}))
    code, out, _ = run(capsys, "check", str(d))
    assert code == 0 and "1 warnings" in out and "names no term" in out


def test_define_hit_prints_a_card(env, capsys):
    code, out, _ = run(capsys, "define", "Fine", "Tuning")
    assert code == 0
    assert out.startswith("fine-tuning\n")
    assert "For executives:" in out and "For engineers:" in out
    assert "Broader: model training" in out and "Sources:" in out


def test_define_framing_shows_one(env, capsys):
    code, out, _ = run(capsys, "define", "lora", "--framing", "exec")
    assert code == 0 and "For executives:" in out and "For engineers:" not in out


def test_define_json_statuses_and_exit_codes(env, capsys):
    code, out, _ = run(capsys, "define", "RAG", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "hit" and data["query"] == "RAG"
    assert data["terms"] == [
        {
            "slug": "retrieval-augmented-generation",
            "term": "retrieval-augmented generation",
            "score": 100.0,
            "matched": "RAG",
        }
    ]

    code, out, _ = run(capsys, "define", "halucination", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "suggestions" and data["terms"][0]["slug"] == "hallucination"

    code, out, _ = run(capsys, "define", "pizza", "--json")
    assert code == 1 and json.loads(out) == {"status": "miss", "query": "pizza", "how": "", "terms": [], "closest": []}


def test_define_ambiguous_exits_0(env, capsys):
    d = write_glossary(env / "amb", term_data("alpha", aliases=["shared"]), term_data("beta", aliases=["shared"]))
    code, out, _ = run(capsys, "define", "shared", "--glossary", str(d))
    assert code == 0 and "could mean several terms" in out and "alpha" in out and "beta" in out


def test_define_miss_text(env, capsys):
    code, out, _ = run(capsys, "define", "pizza")
    assert code == 1 and "No term matches 'pizza'" in out


def test_usage_errors_exit_2(env, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["define"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["define", "x", "--framing", "ceo"])
    assert exc.value.code == 2


def test_search_json_rank_order(env, capsys):
    code, out, _ = run(capsys, "search", "prompt", "--json")
    data = json.loads(out)
    slugs = [t["slug"] for t in data["terms"]]
    assert code == 0 and data["status"] == "suggestions"
    assert "prompt-engineering" in slugs and len(slugs) == len(set(slugs)) <= 10


def test_a_broken_file_does_not_stop_define(env, capsys):
    d = write_glossary(env / "mixed", term_data("alpha"))
    write_term(d, text=": : :\n", filename="broken.yml")
    code, out, err = run(capsys, "define", "alpha", "--glossary", str(d))
    assert code == 0 and out.startswith("alpha\n")
    assert "1 glossary files have errors" in err


@pytest.mark.slow
def test_python_dash_m_bot_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATA_DIR=str(tmp_path / "var"), GLOSSARY_DIR=str(BUNDLED_TERMS))
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "define", "fine-tuning", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["terms"][0]["slug"] == "fine-tuning"
    assert (tmp_path / "var" / "glossary.db").exists()
    assert ROOT.joinpath("pyproject.toml").exists()


@pytest.mark.slow
def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """`python -m bot search … | head`: the closed pipe is neither a traceback nor blamed on Slack."""
    import os
    import subprocess
    import sys

    from paths import ROOT

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: every write meets a broken pipe
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "search", "model", "--json"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATA_DIR": str(tmp_path)},
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert "Slack" not in done.stderr and "Traceback" not in done.stderr
