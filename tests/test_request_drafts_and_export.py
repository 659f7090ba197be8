"""`requests draft` writes the glossary's scaffold; `requests export` writes every request with its votes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import yaml

from bot.cli.main import main
from bot.glossary.load import load_glossary
from bot.glossary.rules import KEYS
from bot.state.store import Store
from bot.term_requests.book import RequestBook
from bot.term_requests.rules import RequestForm


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GLOSSARY_DIR", str(tmp_path / "terms"))
    store = Store(f"sqlite:///{tmp_path / 'var' / 'state.db'}")
    book = RequestBook(store)
    book.file(
        RequestForm(
            term="Vibe Coding",
            why='Heard "vibe coding" in a 1:1 & got lost <!here>',
            aliases="vibecoding; VC",
            audiences=("engineers", "legal", "executives"),
            urgency="now",
            links=("https://example.org/vibes",),
        ),
        "U1",
    )
    book.file(RequestForm(term="vibe coding", why="me too"), "U2")
    second = book.file(RequestForm(term="agentic drift", why="in a risk review"), "U3").request
    book.move(second.id, "UR", "declined", note="Covered elsewhere.")
    yield tmp_path
    store.close()


def test_draft_has_the_scaffold_shape_and_check_asks_only_for_writing(env, capsys):
    assert main(["requests", "draft", "1"]) == 0
    path = env / "terms" / "vibe-coding.yml"
    assert str(path) in capsys.readouterr().out
    text = path.read_text()
    data = yaml.safe_load(text)
    assert list(data) == list(KEYS)  # the 15 keys, in order
    assert data["term"] == "vibe coding" and data["aliases"] == ["vibecoding", "VC"]
    assert data["roles"] == ["engineering", "legal"] and data["status"] == "draft"
    assert data["last_reviewed"] == dt.date.today().isoformat()
    assert 'status: "draft"' in text and "long_def: >-\n" in text and 'last_reviewed: "' in text
    assert data["citations"][0]["url"] == "https://example.org/vibes"
    result = load_glossary(env / "terms")
    assert result.terms == []  # not served while placeholders remain
    assert result.errors and all("placeholder" in p.message for p in result.errors)
    assert {p.field for p in result.errors} == {
        "categories[0]",
        "part_of_speech",
        "short_def",
        "long_def",
        "audiences.exec",
        "audiences.engineer",
        "examples.do[0]",
        "examples.dont[0]",
        "citations[0].source",
    }
    assert main(["requests", "draft", "1"]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_draft_of_a_missing_request(env, capsys):
    assert main(["requests", "draft", "42"]) == 1
    assert "There is no request #42" in capsys.readouterr().err


def test_export_json_has_answers_and_votes(env, capsys):
    assert main(["requests", "export", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [1, 2]
    first = rows[0]
    assert first["voters"] == ["U1", "U2"] and first["votes"] == 2 and first["urgency"] == "now"
    assert first["why"] == 'Heard "vibe coding" in a 1:1 & got lost <!here>'
    assert first["audiences"] == ["engineers", "legal", "executives"]


def test_export_csv_and_status_filter(env, capsys):
    assert main(["requests", "export", "--status", "declined"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["id"], r["term"], r["status"], r["resolution"]) for r in rows] == [
        ("2", "agentic drift", "declined", "Covered elsewhere.")
    ]
    assert main(["requests", "export", "--status", "nope"]) == 2


def test_export_status_takes_the_same_words_as_slack(env, capsys):
    def ids_for(status: str) -> list[int]:
        assert main(["requests", "export", "--status", status, "--format", "json"]) == 0
        return [r["id"] for r in json.loads(capsys.readouterr().out)]

    assert ids_for("in review") == [] and ids_for("In Review") == []
    assert ids_for("active") == [1] and ids_for("backlog") == [1]
    assert ids_for("Declined") == [2] and ids_for("all") == [1, 2]
    assert main(["requests", "export", "--status", "in reviews"]) == 2
    assert "use one of open, drafting, in_review" in capsys.readouterr().err


def test_export_history_in_json_and_csv(env, capsys):
    assert main(["requests", "export", "--format", "json", "--history"]) == 0
    rows = json.loads(capsys.readouterr().out)
    first, second = rows
    assert [(h["actor"], h["action"]) for h in first["history"]] == [("U1", "filed"), ("U1", "voted"), ("U2", "voted")]
    moved = second["history"][-1]
    assert (moved["actor"], moved["from_status"], moved["to_status"]) == ("UR", "open", "declined")
    assert moved["note"] == "Covered elsewhere." and moved["at"].startswith("20")
    assert main(["requests", "export", "--history"]) == 0
    cells = [r["history"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))]
    assert cells[1].splitlines()[-1].endswith("UR status open -> declined Covered elsewhere.")
    assert len(cells[0].splitlines()) == 3
    assert main(["requests", "export", "--format", "json"]) == 0
    assert "history" not in json.loads(capsys.readouterr().out)[0]  # only when asked for
