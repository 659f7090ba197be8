"""The glossary database: idempotent, atomic, skipped when nothing changed, read back intact."""

from __future__ import annotations

import sqlite3
import threading

from paths import BUNDLED_TERMS
from termfactory import term_data, write_glossary, write_term

from bot.glossary.db import ensure_built, read_problems, stored_version
from bot.glossary.live import open_glossary
from bot.glossary.load import load_glossary
from bot.glossary.readback import read_terms


def _dump(db_path):
    conn = sqlite3.connect(db_path)
    tables = [
        r[0] for r in conn.execute("select name from sqlite_master where type='table' and name not like '%_fts%'")
    ]
    rows = {t: conn.execute(f"select * from [{t}] order by 1, 2").fetchall() for t in sorted(tables)}
    conn.close()
    return rows


def test_read_back_equals_loaded(tmp_path):
    terms = tmp_path / "terms"
    write_glossary(terms, term_data("alpha", relationships={"related": ["beta", "nowhere"]}), term_data("beta"))
    ensure_built(terms, tmp_path / "g.db")
    assert read_terms(tmp_path / "g.db") == load_glossary(terms).terms


def test_a_build_hands_over_exactly_the_terms_read_back(tmp_path):
    """A cold start indexes the terms the build just wrote instead of reading them back: they must be equal,
    field for field and in order, or the first start would answer from a different glossary than the next."""
    terms = tmp_path / "terms"
    write_glossary(
        terms,
        term_data("alpha", relationships={"related": ["beta", "nowhere"], "broader": [], "narrower": []}),
        term_data("beta"),
        term_data("gamma", aliases=["GMA", "alpha"]),  # an alias that is another term's name: a warning
    )
    for glossary in (terms, BUNDLED_TERMS):
        db_path = tmp_path / f"{glossary.name}-{len(list(glossary.iterdir()))}.db"
        report = ensure_built(glossary, db_path)
        assert report.rebuilt and report.built is not None
        assert report.built == read_terms(db_path)
        again = ensure_built(glossary, db_path)
        assert not again.rebuilt and again.built is None  # nothing built: nothing to hand over


def test_a_cold_start_answers_like_a_warm_one(tmp_path):
    cold, report = open_glossary(BUNDLED_TERMS, tmp_path / "g.db")
    assert report.rebuilt and report.built is None  # handed over to the index, then let go
    warm, again = open_glossary(BUNDLED_TERMS, tmp_path / "g.db")
    assert not again.rebuilt
    assert list(cold.terms.values()) == list(warm.terms.values())


def test_same_files_same_rows(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"), term_data("beta", aliases=["b", "bb"]))
    write_term(terms, text="broken: [\n", filename="broken.yml")
    ensure_built(terms, tmp_path / "one.db")
    ensure_built(terms, tmp_path / "two.db", force=True)
    assert _dump(tmp_path / "one.db") == _dump(tmp_path / "two.db")
    assert len(read_problems(tmp_path / "one.db")) == 1


def test_unchanged_files_are_not_rebuilt(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    db = tmp_path / "var" / "glossary.db"
    first = ensure_built(terms, db)
    inode = db.stat().st_ino
    second = ensure_built(terms, db)
    assert first.rebuilt and not second.rebuilt
    assert second.version == first.version and second.terms == 1
    assert db.stat().st_ino == inode  # the very same file, untouched


def test_a_changed_file_rebuilds_with_a_new_version(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    db = tmp_path / "glossary.db"
    first = ensure_built(terms, db)
    write_term(terms, term_data("beta"))
    second = ensure_built(terms, db)
    assert second.rebuilt and second.version != first.version
    assert stored_version(db) == second.version
    assert [t.slug for t in read_terms(db)] == ["alpha", "beta"]


def test_a_reader_never_sees_a_half_built_glossary(tmp_path):
    """A connection opened before a rebuild keeps reading the complete old glossary; new ones see all of the new."""
    terms = write_glossary(tmp_path / "terms", *(term_data(f"term {i}") for i in range(30)))
    db = tmp_path / "glossary.db"
    ensure_built(terms, db)
    old_reader = sqlite3.connect(db)
    for i in range(30, 60):
        write_term(terms, term_data(f"term {i}"))

    counts: list[int] = []
    stop = threading.Event()

    def read_while_building():
        while True:  # at least once, then until the build is done
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                counts.append(conn.execute("select count(*) from terms").fetchone()[0])
            except sqlite3.Error:
                counts.append(-1)
            finally:
                conn.close()
            if stop.is_set():
                break

    reader = threading.Thread(target=read_while_building)
    reader.start()
    ensure_built(terms, db)
    stop.set()
    reader.join()
    assert set(counts) <= {30, 60} and counts  # never an error, never a partial count
    assert old_reader.execute("select count(*) from terms").fetchone()[0] == 30
    old_reader.close()
    assert not list(tmp_path.glob(".glossary-*"))  # no temporary file left behind


def test_a_corrupt_database_is_rebuilt(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    db = tmp_path / "glossary.db"
    db.write_bytes(b"not a database")
    report = ensure_built(terms, db)
    assert report.rebuilt and report.terms == 1


def test_empty_glossary_builds_and_answers(tmp_path):
    (tmp_path / "terms").mkdir()
    glossary, report = open_glossary(tmp_path / "terms", tmp_path / "g.db")
    assert report.terms == 0 and len(glossary) == 0
    assert glossary.find("anything at all").status == "miss"
