"""The lookup index saved beside the glossary database: a start with unchanged files loads it and answers
exactly as a freshly indexed glossary does; anything wrong with the file means indexing again, never a
wrong answer or a failed start."""

from __future__ import annotations

import gc
import logging
import marshal
import mmap
import os
import threading
import time
import weakref

import numpy as np
import pytest
from paths import BUNDLED_TERMS
from termfactory import term_data, write_glossary, write_term

from bot.glossary import snapshot
from bot.glossary.builder import Builder
from bot.glossary.db import ensure_built
from bot.glossary.live import LiveGlossary, open_glossary
from bot.glossary.lookup import Glossary
from bot.glossary.readback import read_terms

END = snapshot._framed(snapshot._END)
QUERIES = [
    "retrieval augmented generation",
    "RAG",
    "LLMs",
    "halucination",
    "what is a context window?",
    "rag vs fine-tuning",
    "how do we stop prompt injection",
    "tokens",
    "zxqv blorp",
    "",
]


def answers(glossary: Glossary) -> list[object]:
    out: list[object] = []
    for q in QUERIES:
        out += [glossary.find(q).as_dict(), glossary.ask(q).as_dict(), glossary.search(q).as_dict()]
        out.append([t.slug for t in glossary.complete(q[:4])] if q else [])
    out.append([(f.term.slug, f.matched) for f in glossary.scan("We use RAG and LoRA with a long context window.")])
    return out


@pytest.fixture
def built(tmp_path):
    db_path = tmp_path / "glossary.db"
    report = ensure_built(BUNDLED_TERMS, db_path)
    return db_path, report.version


@pytest.mark.parametrize("part", [snapshot.PART, 7])  # 7: every big dict and list is saved in many parts
def test_a_loaded_index_answers_exactly_like_a_fresh_one(built, part, monkeypatch):
    monkeypatch.setattr(snapshot, "PART", part)
    db_path, version = built
    fresh = Glossary(read_terms(db_path), version=version, db_path=db_path)
    assert snapshot.save(fresh, db_path)
    loaded = snapshot.load(db_path, version)
    assert loaded is not None and loaded is not fresh
    assert list(loaded.terms.values()) == list(fresh.terms.values())  # every field of every term, in order
    assert loaded.state() == fresh.state()  # every index, whole
    assert answers(loaded) == answers(fresh)


def test_a_loaded_index_uses_its_vectors_where_they_lie_in_the_file(built):
    """The meaning lane's vectors are the mapped file's pages (shared by every worker), not a copy."""
    db_path, version = built
    fresh = Glossary(read_terms(db_path), version=version, db_path=db_path)
    assert snapshot.save(fresh, db_path)
    loaded = snapshot.load(db_path, version)
    assert loaded is not None and loaded.meaning is not None and fresh.meaning is not None
    for name in ("whole", "parts", "starts"):
        array = getattr(loaded.meaning, name)
        base = array
        while isinstance(base, np.ndarray):
            base = base.base
        assert isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap), name
        assert not array.flags.writeable
        assert np.array_equal(array, getattr(fresh.meaning, name))


def test_a_loaded_index_reads_the_rankers_lines_of_stems_from_the_file(built):
    """The ranker's lines of stems (text and names: 9 MB at 10,000 terms) are the mapped file's bytes too,
    decoded when read."""
    db_path, version = built
    fresh = Glossary(read_terms(db_path), version=version, db_path=db_path)
    assert snapshot.save(fresh, db_path)
    loaded = snapshot.load(db_path, version)
    assert loaded is not None
    for name in ("_text_words", "_coverage"):
        table = getattr(loaded.ranker, name)
        assert isinstance(table._blobs._block.obj, mmap.mmap), name
        assert isinstance(table._blobs._ends.obj, mmap.mmap), name
        assert len(table) == len(fresh.terms) > 100
        assert all(table[slug] == getattr(fresh.ranker, name)[slug] for slug in fresh.terms), name
    for slug in fresh.terms:
        assert loaded.ranker.text_stems(slug) == fresh.ranker.text_stems(slug)
        assert loaded.ranker.name_stems(slug) == fresh.ranker.name_stems(slug) != set()
    assert loaded.ranker.name_stems("no-such-term") == set()


def test_open_glossary_saves_the_index_then_loads_it(built, tmp_path):
    db_path, version = built
    first, _ = open_glossary(BUNDLED_TERMS, db_path)
    assert snapshot.index_path(db_path).is_file()
    again, report = open_glossary(BUNDLED_TERMS, db_path)
    assert not report.rebuilt and again is not first
    assert answers(again) == answers(first)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"not marshal at all",
        lambda data: b"",
        lambda data: snapshot._framed(["a list, not the saved dict"]) + END,
        lambda data: snapshot._framed({"format": snapshot.FORMAT}) + END,  # a header with nothing in it
        lambda data: b"\xff" * 8 + data[8:],  # a length past the end of the file
        lambda data: data[: -len(END)],  # the end marker cut off (now: the end of the vectors)
        lambda data: data + bytes(snapshot.RAW_ALIGN),  # vectors followed by more: not the file it wrote
        lambda data: data[: -len(END)] + snapshot._framed(("names", "x", "rename", 1)) + END,  # a part of no kind
    ],
)
def test_a_damaged_index_is_indexed_again(built, damage, caplog):
    db_path, version = built
    good, _ = open_glossary(BUNDLED_TERMS, db_path)
    path = snapshot.index_path(db_path)
    path.write_bytes(damage(path.read_bytes()))
    assert snapshot.load(db_path, version) is None
    again, _ = open_glossary(BUNDLED_TERMS, db_path)  # indexes again, and saves a good one
    assert answers(again) == answers(good)
    assert snapshot.load(db_path, version) is not None


def test_an_index_of_the_previous_format_is_built_again_not_a_crash(built, monkeypatch):
    """FORMAT 5 kept the type-ahead keys as a part of their own and each term's fields as frozensets: such a
    file, left by the release before, is indexed again at the next start, and the new file then loads."""
    db_path, version = built
    good, _ = open_glossary(BUNDLED_TERMS, db_path)
    path = snapshot.index_path(db_path)
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = marshal.loads(data[8 : 8 + size])
    previous = snapshot._framed({**header, "format": 5})
    assert len(previous) == 8 + size  # the same width: the vectors stay where they were
    path.write_bytes(previous + data[8 + size :])
    assert snapshot.load(db_path, version) is None
    # The previous layout's own part (the type-ahead keys) in a file under this format's header: no crash,
    # nothing half loaded.
    parts = snapshot._parts
    keys = sorted({key for key, _ in good.names.spelling})
    monkeypatch.setattr(snapshot, "_parts", lambda *a: iter([("choices", "", "", (keys, keys)), *parts(*a)]))
    assert snapshot.save(good, db_path)
    monkeypatch.undo()
    assert snapshot.load(db_path, version) is None
    again, report = open_glossary(BUNDLED_TERMS, db_path)
    assert not report.rebuilt  # the database stays: only its index is made again
    assert answers(again) == answers(good)
    assert snapshot.load(db_path, version) is not None


def test_a_planted_index_for_a_matching_database_runs_nothing(built):
    """marshal holds values only: even a file with a code object in it just fails to be a glossary."""
    db_path, version = built
    header = {
        "format": snapshot.FORMAT,
        "code": snapshot.code_fingerprint(),
        "database": snapshot.database_identity(db_path),
        "version": version,
    }
    code = compile("open('/tmp/pwned', 'w')", "x", "exec")
    planted = snapshot._framed(header) + snapshot._framed(("terms", "", "", [code])) + END
    snapshot.index_path(db_path).write_bytes(planted)
    assert snapshot.load(db_path, version) is None
    assert not os.path.exists("/tmp/pwned")


def test_an_index_is_used_only_for_its_own_database_version_and_code(built, monkeypatch):
    db_path, version = built
    open_glossary(BUNDLED_TERMS, db_path)
    assert snapshot.load(db_path, version) is not None
    assert snapshot.load(db_path, "another-version") is None
    monkeypatch.setattr(snapshot, "code_fingerprint", lambda: "other-code")
    assert snapshot.load(db_path, version) is None  # an upgrade that changes how the index is built
    monkeypatch.undo()
    ensure_built(BUNDLED_TERMS, db_path, force=True)  # the same files, a database built again
    assert snapshot.load(db_path, version) is None


def test_a_folder_that_cannot_be_written_costs_the_speed_up_only(built, monkeypatch, caplog):
    db_path, version = built

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(snapshot.tempfile, "mkstemp", refuse)
    with caplog.at_level(logging.WARNING):
        glossary, _ = open_glossary(BUNDLED_TERMS, db_path)
    assert glossary.find("RAG").status == "hit"
    assert "cannot save the glossary's lookup index" in caplog.text
    assert not snapshot.index_path(db_path).exists()


def test_a_replaced_glossary_is_freed_without_the_cycle_collector(built):
    """Loaded glossaries are frozen out of the collector's sight (gc.freeze), so one that a reload replaces
    must be freed by reference counting alone: no reference cycle may hold it, used or not."""
    db_path, version = built
    for make in (
        lambda: snapshot.indexed(db_path, version, read_terms),  # saved, then indexed afresh
        lambda: snapshot.load(db_path, version),  # loaded
    ):
        glossary = make()
        assert glossary is not None
        answers(glossary)  # lookups fill the per-thread connection, the text-stem cache and the scanner
        refs = [weakref.ref(glossary), weakref.ref(glossary.ranker), weakref.ref(glossary.names)]
        was = gc.isenabled()
        gc.disable()
        try:
            del glossary
            assert [r() for r in refs] == [None, None, None]
        finally:
            if was:
                gc.enable()


@pytest.mark.slow
def test_a_reload_built_elsewhere_leaves_the_index_for_the_server_to_load(tmp_path):
    terms = write_glossary(tmp_path / "terms", term_data("alpha"))
    db_path = tmp_path / "g.db"
    live = LiveGlossary(terms, db_path, builder=Builder(elsewhere_from=0))  # every build in the builder process
    write_term(terms, term_data("beta"))
    assert live.reload() is True
    assert live.current.find("beta").status == "hit"
    saved = snapshot.load(db_path, live.current.version)  # the builder process indexed the new database
    assert saved is not None and sorted(saved.terms) == sorted(live.current.terms)


def test_an_index_saved_later_is_for_the_database_its_terms_came_from(built):
    """A cold start saves on the side; a rebuild that swaps in another database meanwhile must not get it."""
    db_path, version = built

    def read_while_rebuilt(path):
        terms = read_terms(path)
        ensure_built(BUNDLED_TERMS, db_path, force=True)  # same version, another database file
        return terms

    glossary = snapshot.indexed(db_path, version, read_while_rebuilt, save_later=True)
    deadline = time.monotonic() + 30
    while not snapshot.index_path(db_path).is_file() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert snapshot.index_path(db_path).is_file()  # saved, on its thread
    for saver in [t for t in threading.enumerate() if t.name == "save-index"]:
        saver.join(30)  # the rename is its last step: done once the file is there, but be sure
    assert snapshot.load(db_path, version) is None  # but never taken for the new database
    assert glossary.find("RAG").status == "hit"
