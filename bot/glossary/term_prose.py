"""Terms whose long texts stay in the saved index's mapped file until a card or a tool reads them.

A term's prose (long definition, the two framings, examples, risk notes, citations) is most of its memory:
about 13 MB of strings at 10,000 terms, which every worker of a server decoded and kept, though a lookup never
reads it and a card reads one term's. A saved index (snapshot.py) keeps each term's prose as one marshalled
tuple in its raw region; a term loaded from it is a `MappedTerm`, which decodes that tuple when one of those
fields is read. Everything else about it is a Term: its other fields are plain, it compares and hashes equal
to the Term it was saved from, and `dataclasses.replace`, copy and pickle give plain Terms.
"""

from __future__ import annotations

import dataclasses
import marshal
import threading
from collections.abc import Iterable
from typing import Any

from .codec import Codec
from .model import Citation, Term
from .text_table import Blobs

# The fields kept in the mapped file: the long texts that only a card, an export or a tool reads.
PROSE = ("long_def", "exec_framing", "engineer_framing", "examples_do", "examples_dont", "risk_notes", "citations")
_EMPTY: dict[str, Any] = {"long_def": "", "exec_framing": "", "engineer_framing": "", "risk_notes": ""}
_EMPTY |= {"examples_do": (), "examples_dont": (), "citations": ()}
_FIELDS = tuple(f.name for f in dataclasses.fields(Term))
_CITATION = Codec(Citation)
# Terms whose prose was decoded lately, per table: a card reads six or seven of these fields in a row.
RECENT = 256


def without_prose(term: Term) -> Term:
    """The term with its prose fields empty: what the index saves as the term, its prose saved apart."""
    return dataclasses.replace(term, **_EMPTY)


def prose_blob(term: Term) -> bytes:
    """The term's prose fields as one marshalled tuple of plain values."""
    citations = tuple(_CITATION.to_plain(c) for c in term.citations)
    return marshal.dumps(tuple(citations if name == "citations" else getattr(term, name) for name in PROSE))


class ProseTable:
    """The prose of a saved index's terms, by position, decoded when read."""

    __slots__ = ("_blobs", "_lock", "_recent")

    def __init__(self, blobs: Blobs):
        self._blobs = blobs
        self._recent: dict[int, tuple[Any, ...]] = {}
        self._lock = threading.Lock()

    def prose(self, at: int) -> tuple[Any, ...]:
        found = self._recent.get(at)
        if found is None:
            values = marshal.loads(self._blobs[at])
            if not (isinstance(values, tuple) and len(values) == len(PROSE)):
                raise ValueError(f"the saved prose of term {at} has another shape")
            found = tuple(
                tuple(map(_CITATION.from_plain, v)) if n == "citations" else v
                for n, v in zip(PROSE, values, strict=True)
            )
            with self._lock:
                if len(self._recent) >= RECENT:
                    self._recent.clear()
                self._recent[at] = found
        return found

    def terms(self, saved: Iterable[Term]) -> list[Term]:
        """The saved terms (prose empty), in the order their prose was saved, as terms that read it from here."""
        out: list[Term] = [MappedTerm.of(term, self, at) for at, term in enumerate(saved)]
        if len(out) != len(self._blobs):
            raise ValueError("the index holds prose for another number of terms")
        return out


class MappedTerm(Term):
    """A Term whose prose fields are read from a ProseTable (see the module's note)."""

    __slots__ = ("_at", "_table")
    _at: int
    _table: ProseTable

    @staticmethod
    def of(term: Term, table: ProseTable, at: int) -> MappedTerm:
        made = object.__new__(MappedTerm)
        for slot in _KEPT:  # the Term's own slots, set as its frozen __init__ would: a warm start makes 10,000
            slot.__set__(made, slot.__get__(term))
        _TABLE.__set__(made, table)
        _AT.__set__(made, at)
        return made

    def __new__(cls, *args: Any, **kwargs: Any) -> Term:  # type: ignore[misc]
        # dataclasses.replace() calls the class with every field: a plain Term holds them.
        return Term(*args, **kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Term, tuple(getattr(self, name) for name in _FIELDS))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Term):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = Term.__hash__

    def _prose(self, i: int) -> Any:
        return self._table.prose(self._at)[i]

    long_def = property(lambda self: self._prose(0))
    exec_framing = property(lambda self: self._prose(1))
    engineer_framing = property(lambda self: self._prose(2))
    examples_do = property(lambda self: self._prose(3))
    examples_dont = property(lambda self: self._prose(4))
    risk_notes = property(lambda self: self._prose(5))
    citations = property(lambda self: self._prose(6))


_KEPT = [Term.__dict__[name] for name in _FIELDS if name not in _EMPTY]  # slot descriptors: no attribute lookups
_TABLE, _AT = MappedTerm.__dict__["_table"], MappedTerm.__dict__["_at"]
