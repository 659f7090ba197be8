"""Requests reach files and spreadsheets: drafts stay inside --out, CSV cells are never formulas, bad ids are refused.

Issue 9, Medium 5 and the Low items about CSV cells and request ids.
"""

from __future__ import annotations

import csv
import io

import pytest

from bot.cli.main import main
from bot.state.store import Store
from bot.term_requests.book import RequestBook
from bot.term_requests.drafts import DraftRefused, draft_path
from bot.term_requests.export import to_csv
from bot.term_requests.rules import RequestForm

HOSTILE_TERMS = ["../../x", "/etc/cron.d/x", "/", "a\x00b", "..", ".hidden", "a/../../b", "a\\..\\b", "   "]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GLOSSARY_DIR", str(tmp_path / "terms"))
    store = Store(f"sqlite:///{tmp_path / 'var' / 'state.db'}")
    yield tmp_path, RequestBook(store)
    store.close()


def _file_raw(book: RequestBook, term: str) -> int:
    """File a request with any term, as a forged Slack submission could store it."""
    return book.file(RequestForm(term=term, why="because"), "U1").request.id


@pytest.mark.parametrize("term", HOSTILE_TERMS)
def test_draft_refuses_a_term_whose_slug_leaves_the_out_folder(env, capsys, term):
    tmp_path, book = env
    number = _file_raw(book, term)
    out = tmp_path / "out" / "deep"
    assert main(["requests", "draft", str(number), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err and "cannot be a file name" in captured.err
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".yml"]
    assert written == []


def test_draft_path_is_the_slug_inside_out(tmp_path):
    assert draft_path("Vibe  Coding", tmp_path) == tmp_path / "vibe-coding.yml"
    with pytest.raises(DraftRefused):
        draft_path("", tmp_path)
    with pytest.raises(DraftRefused):
        draft_path("x" * 300, tmp_path)  # longer than a file name may be


def test_draft_into_an_out_that_is_a_file_is_one_line(env, capsys):
    tmp_path, book = env
    number = _file_raw(book, "vibe coding")
    (tmp_path / "afile").write_text("x")
    assert main(["requests", "draft", str(number), "--out", str(tmp_path / "afile")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "-1", "0"])
def test_draft_of_a_huge_or_impossible_request_number_is_refused(env, capsys, number):
    assert main(["requests", "draft", number]) == 1
    err = capsys.readouterr().err
    assert "There is no request" in err and "Traceback" not in err


def test_draft_of_a_non_number_is_a_usage_error(env, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["requests", "draft", "abc"])
    assert exit_.value.code == 2 and "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("bad", [99999999999999999999, 2**63, 2**31, -(2**70), 0, "abc", "1", None, True, 1.5])
def test_book_refuses_huge_or_malformed_ids_with_lookup_error(state_url, bad):
    store = Store(state_url)
    try:
        book = RequestBook(store)
        _file_raw(book, "alpha")
        for call in (
            lambda: book.get(bad),
            lambda: book.move(bad, "UR", "drafting"),
            lambda: book.assign(bad, "UR", "UR"),
            lambda: book.decline(bad, "UR", "no"),
            lambda: book.mark_duplicate(bad, "UR", of_term=("alpha", "alpha")),
            lambda: book.mark_duplicate(1, "UR", of_request=bad if bad is not None else 0),
            lambda: book.set_message(bad, "C1", "1.2"),
            lambda: book.history(bad),
        ):
            with pytest.raises(LookupError, match="no request"):
                call()
        assert book.get(1).status == "open"  # nothing moved
    finally:
        store.close()


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(env):
    tmp_path, book = env
    book.file(RequestForm(term='=HYPERLINK("http://evil","x")', why="+1", aliases="@SUM(A1)"), "U1")
    book.file(RequestForm(term="-2+3", why="\tcmd", seen_where="\r=1+1"), "U2")
    book.file(RequestForm(term="plain term", why="fine - really"), "U3")
    rows = list(csv.DictReader(io.StringIO(to_csv(book.list()))))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[0]["term"] == '\'=HYPERLINK("http://evil","x")' and rows[0]["why"] == "'+1"
    assert rows[0]["aliases"] == "'@SUM(A1)" and rows[1]["term"] == "'-2+3" and rows[1]["why"] == "'\tcmd"
    assert rows[2]["term"] == "plain term" and rows[2]["why"] == "fine - really" and rows[0]["id"] == "1"
