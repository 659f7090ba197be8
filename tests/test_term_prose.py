"""Terms loaded from a saved index read their prose from the mapped file (bot/glossary/term_prose.py)."""

from __future__ import annotations

import copy
import dataclasses
import marshal
import mmap
import pickle

import pytest

from bot.glossary import snapshot, term_prose
from bot.glossary.db import ensure_built
from bot.glossary.lookup import Glossary
from bot.glossary.model import Term
from bot.glossary.readback import read_terms
from bot.glossary.term_prose import PROSE, MappedTerm, ProseTable
from bot.glossary.text_table import Blobs
from tests.paths import BUNDLED_TERMS


@pytest.fixture(scope="module")
def fresh_and_loaded(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("prose") / "glossary.db"
    version = ensure_built(BUNDLED_TERMS, db_path).version
    fresh = Glossary(read_terms(db_path), version=version, db_path=db_path)
    assert snapshot.save(fresh, db_path)
    loaded = snapshot.load(db_path, version)
    assert loaded is not None
    return fresh, loaded


def test_a_loaded_term_reads_its_prose_from_the_mapped_file_and_holds_none(fresh_and_loaded):
    fresh, loaded = fresh_and_loaded
    assert all(type(t) is MappedTerm for t in loaded.terms.values())
    with_citations = 0
    for slug, term in loaded.terms.items():
        for name in PROSE:
            assert getattr(term, name) == getattr(fresh.terms[slug], name), (slug, name)
            with pytest.raises(AttributeError):  # the Term's own slot for it is empty: nothing decoded is kept
                Term.__dict__[name].__get__(term)
        with_citations += bool(term.citations)
    assert with_citations > 100 and loaded.terms["hallucination"].long_def
    blobs = term._table._blobs
    assert isinstance(blobs._block.obj, mmap.mmap)


def test_a_loaded_term_is_equal_to_its_term_and_copies_as_a_plain_term(fresh_and_loaded):
    fresh, loaded = fresh_and_loaded
    term, plain = loaded.terms["hallucination"], fresh.terms["hallucination"]
    assert term == plain and plain == term and hash(term) == hash(plain) and {plain} == {term}
    assert term != loaded.terms["temperature"] and term != "hallucination"
    changed = dataclasses.replace(term, short_def="Something else.")
    assert type(changed) is Term and changed.short_def == "Something else."
    assert changed.long_def == plain.long_def and changed.citations == plain.citations
    for again in (copy.copy(term), copy.deepcopy(term), pickle.loads(pickle.dumps(term))):
        assert type(again) is Term and again == plain
    assert repr(term).endswith(repr(plain).removeprefix("Term"))


def test_saved_prose_of_another_shape_is_an_error_not_a_wrong_card():
    table = ProseTable(Blobs.of([marshal.dumps(("only", "two"))]))
    with pytest.raises(ValueError, match="another shape"):
        table.prose(0)
    with pytest.raises(ValueError, match="another number of terms"):
        table.terms([])


def test_the_recently_decoded_prose_kept_is_bounded(fresh_and_loaded, monkeypatch):
    fresh, _ = fresh_and_loaded
    monkeypatch.setattr(term_prose, "RECENT", 5)
    terms = list(fresh.terms.values())[:12]
    table = ProseTable(Blobs.of(map(term_prose.prose_blob, terms)))
    mapped = table.terms(map(term_prose.without_prose, terms))
    for original, term in zip(terms, mapped, strict=True):
        assert term.engineer_framing == original.engineer_framing and term == original
        assert len(table._recent) <= 5
