"""The full-text search ranked in memory (postings.py) answers exactly what SQLite's bm25 query answers: the same
terms, in the same order, with the same relevance, for every word and any word of what people type."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import write  # noqa: E402
from bench.quality import CLOUD_OPS, hand_labels  # noqa: E402
from bot.glossary import db, postings  # noqa: E402
from bot.glossary.live import open_glossary  # noqa: E402
from bot.glossary.names import normalise  # noqa: E402
from bot.glossary.postings import Postings  # noqa: E402

# Words SQLite's tokenizer makes phrases of: contractions, possessives, numbers with a dot, hosts.
PHRASES = [["we're", "model's", "retrieval"], ["0.5", "temperature"], ["api.example.com", "timeout"], ["don't", "t"]]


def _postings(db_path: Path) -> tuple[sqlite3.Connection, Postings]:
    conn = db.connect_read_only(db_path)
    found = Postings(db.SEARCH_TABLE, db.SEARCH_CONTENT, db.SEARCH_COLUMNS, db.SEARCH_WEIGHTS)
    found.open(conn)
    return conn, found


def _queries(glossary, texts: list[str]) -> list[list[str]]:
    said = [glossary.ranker.content_words(normalise(t)) for t in texts]
    return [w for w in said if w] + PHRASES


def _same(conn: sqlite3.Connection, found: Postings, queries: list[list[str]], limit: int = 30) -> int:
    """How many answers were compared; fails on the first that differs."""
    compared = 0
    for words in queries:
        for every_word in (True, False):
            expected = db.search(conn, words, limit, every_word=every_word)
            assert found.search(conn, words, limit, every_word=every_word) == expected, (words, every_word)
            compared += bool(expected)
        # Both ways in one pass: every word, else any of them, as the search asks a description.
        either = db.search(conn, words, limit, every_word=True) or db.search(conn, words, limit, every_word=False)
        assert found.search(conn, words, limit, then_any_word=True) == either, words
    return compared


@pytest.mark.parametrize("name", ["bundled", "cloud-ops"])
def test_every_hand_written_query_ranks_as_sqlite_ranks_it(name, tmp_path):
    folder = ROOT / "data" / "terms" if name == "bundled" else CLOUD_OPS
    glossary, _ = open_glossary(folder, tmp_path / "g.db")
    texts = [q["query"] for part in ("dev", "heldout") for q in hand_labels(name, part)]
    conn, found = _postings(tmp_path / "g.db")
    assert _same(conn, found, _queries(glossary, texts)) > 400  # most queries find something to compare


def test_a_generated_glossary_with_many_ties_ranks_as_sqlite_ranks_it(tmp_path):
    # Generated terms share a small vocabulary: many rows score alike, so the order of ties is tested too.
    write(tmp_path / "terms", 600)
    glossary, _ = open_glossary(tmp_path / "terms", tmp_path / "g.db")
    texts = [t.short_def for t in list(glossary.terms.values())[:150]]
    texts += [f"how do we {t.term} with {t.aliases[0] if t.aliases else 'it'}" for t in glossary.terms.values()]
    conn, found = _postings(tmp_path / "g.db")
    assert _same(conn, found, _queries(glossary, texts)) > 600
    ties = db.search(conn, ["model"], 600, every_word=False)
    assert len({score for _, score in ties}) < len(ties)  # the glossary does have tied rows
    # Limits that cut through a run of tied rows keep the tied rows SQLite keeps (the lowest rowids first).
    scores = [score for _, score in ties]
    cuts = [k for k in range(1, len(scores)) if scores[k - 1] == scores[k]][:40]
    assert cuts
    for limit in cuts:
        assert found.search(conn, ["model"], limit, every_word=False) == db.search(
            conn, ["model"], limit, every_word=False
        )


def test_a_word_the_tokenizer_makes_nothing_of_is_left_to_sqlite(tmp_path, caplog):
    glossary, _ = open_glossary(ROOT / "data" / "terms", tmp_path / "g.db")
    conn, found = _postings(tmp_path / "g.db")
    assert found.search(conn, ["___", "retrieval"], 30) is None
    # …and the search as a whole still answers, from SQLite's own query
    assert glossary.text_search.find("retrieval ___", 5, floor=0.0)


def test_doclists_let_go_past_their_bound_still_rank_as_sqlite(tmp_path, monkeypatch):
    monkeypatch.setattr(postings, "LISTS_BYTES", 2_000)
    monkeypatch.setattr(postings, "WORDS_KEPT", 5)
    glossary, _ = open_glossary(ROOT / "data" / "terms", tmp_path / "g.db")
    conn, found = _postings(tmp_path / "g.db")
    texts = [q["query"] for q in hand_labels("bundled", "dev")[:120]]
    assert _same(conn, found, _queries(glossary, texts)) > 50
    # the least recently used let go: what is kept is within the bound, or the one list just read
    assert found._list_bytes <= 2_000 or len(found._lists) == 1
    assert found._list_bytes == sum(d.nbytes + c.nbytes for d, c in found._lists.values())
    assert len(found._tokens) <= 5 + 16


def test_a_database_that_cannot_be_read_is_an_empty_search_not_a_crash(tmp_path, caplog):
    glossary, _ = open_glossary(ROOT / "data" / "terms", tmp_path / "g.db")
    search = glossary.text_search
    assert search.find("retrieval augmented", 5, floor=0.0)
    conn = search._connection()
    # The stored doclists and the view of the index's own gone: every read of a word fails.
    conn.execute(f"drop table temp.postings_{db.SEARCH_TABLE}")
    with sqlite3.connect(tmp_path / "g.db") as writer:
        writer.execute(f"drop table {postings.LISTS_TABLE}")
    search._postings._lists.clear()
    assert search.find("vector database", 5, floor=0.0) == []
    assert "full-text search failed" in caplog.text


def test_an_index_record_not_in_fts5s_shape_is_a_database_error_not_a_crash(tmp_path, caplog):
    glossary, _ = open_glossary(ROOT / "data" / "terms", tmp_path / "g.db")
    with sqlite3.connect(tmp_path / "g.db") as conn:
        conn.execute(f"update {db.SEARCH_TABLE}_data set block = ? where id = 1", [b"\xff\xff"])
    conn, found = _postings(tmp_path / "g.db")
    with pytest.raises(sqlite3.DatabaseError, match="sizes cannot be read"):
        found.search(conn, ["retrieval"], 30)
    assert glossary.text_search.find("retrieval augmented", 5, floor=0.0) == []
    assert "full-text search failed" in caplog.text


def test_the_stored_doclists_are_what_the_index_holds_word_by_word(tmp_path):
    open_glossary(ROOT / "data" / "terms", tmp_path / "g.db")
    conn, found = _postings(tmp_path / "g.db")
    words = [w for (w,) in conn.execute(f"select term from temp.postings_{db.SEARCH_TABLE} group by term")]
    stored = conn.execute(f"select count(*) from {postings.LISTS_TABLE}").fetchone()[0]
    assert stored == len(words) > 1000  # every word of the index, once
    weights = dict(zip(db.SEARCH_COLUMNS, db.SEARCH_WEIGHTS, strict=True))
    for word in words[::25]:
        places = conn.execute(
            f"select doc, col from temp.postings_{db.SEARCH_TABLE} where term = ? order by doc", [word]
        ).fetchall()
        by_row: dict[int, float] = {}
        for doc, col in places:
            by_row[doc] = by_row.get(doc, 0.0) + weights[col]
        docs, counts = found._word_list(conn, word)
        assert docs.tolist() == sorted(by_row) and counts.tolist() == [by_row[d] for d in sorted(by_row)], word
    empty_docs, empty_counts = found._word_list(conn, "zzzunheardof")
    assert empty_docs.size == 0 and empty_counts.size == 0
