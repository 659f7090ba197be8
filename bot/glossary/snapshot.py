"""The lookup index of one glossary version, saved beside its database: a start with unchanged files, or a
reload whose database another process built, loads it instead of indexing every term again.

At 10,000 terms, reading the terms back and indexing them takes about 2.5 s of one core (it was most of a
warm start, and all of a reload's stall inside the serving process); loading this file takes about 0.4 s.

- The meaning lane's vectors (about 51 MB at 10,000 terms), and every other byte string the index holds
  (the ranker's lines of stems, 9 MB: text_table.py; the terms' prose, 13 MB: term_prose.py), follow the
  marshalled values as raw blocks and are mapped, not read: a start decodes none of them, and every worker
  of a server shares one copy of their pages in the page cache instead of holding its own.
- Saved with marshal, not pickle: the file holds plain values only (strings, numbers, tuples, lists, dicts,
  frozensets), so a damaged or planted file can fail to load, never make the bot call anything.
- It is used only for the database it was made from (its inode, size and modification time, which a rebuild's
  atomic rename always changes) and only by the code that made it (a fingerprint of the modules that build the
  index, and the stemmer's version): an upgrade that changes how names are normalised or stemmed rebuilds it.
- Anything wrong with it (missing, truncated, another format) means it is built again; saving it is best
  effort: a read-only data folder costs the speed-up, nothing else.

The collector is paused while the index is built or loaded, and in a server what a load made is then frozen
out of its sight (collector.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import mmap
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import (
    codec,
    collector,
    lookup,
    meaning,
    model,
    names,
    questions,
    ranking,
    said_names,
    term_prose,
    text_table,
    variants,
)
from .lookup import Glossary
from .model import Term
from .text_table import Blobs

log = logging.getLogger(__name__)

# Bump when the saved values change (6: compact ranker fields, no type-ahead keys; 7: variant keys drop "the";
# 8: byte strings of any section in the raw region, the terms' prose apart).
FORMAT = 8
# The modules whose code decides what the index holds (codec: how a Term is saved, from model.py's fields).
_BUILDERS = (model, codec, names, questions, ranking, said_names, text_table, term_prose, variants, meaning, lookup)
TERMS = codec.Codec(Term)


def index_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".index")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    digest = hashlib.sha256(str(FORMAT).encode())
    for source in [*(str(m.__file__) for m in _BUILDERS), __file__]:  # this file: how values are saved
        digest.update(Path(source).read_bytes())
    for package in ("snowballstemmer", "rapidfuzz"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


def database_identity(db_path: Path) -> tuple[int, int, int]:
    s = db_path.stat()
    return (s.st_ino, s.st_size, s.st_mtime_ns)


def indexed(
    db_path: Path,
    version: str,
    read: Callable[[Path], list[Term]],
    *,
    save_later: bool = False,
    yielding: bool = True,
) -> Glossary:
    """The glossary of this database: loaded from its saved index, else read (`read`), indexed and saved.

    save_later: saved on a daemon thread, for a server's cold start, which has no use for the file until its
    next start and should not wait most of a second for it (a crash meanwhile leaves no index, or a stray
    temporary file, never a half-written index).
    yielding: see load()."""
    loaded = load(db_path, version, yielding=yielding)
    if loaded is not None:
        return loaded
    # Taken before reading: the index is for the database these terms came from, even if a rebuild has
    # swapped in another by the time it is saved.
    identity = database_identity(db_path)
    with collector.paused():
        glossary = Glossary(read(db_path), version=version, db_path=db_path)
        collector.loaded()
    if save_later:
        saving = threading.Thread(target=save, args=(glossary, db_path, identity), name="save-index", daemon=True)
        saving.start()
    else:
        save(glossary, db_path, identity)
    return glossary


def save(glossary: Glossary, db_path: Path, identity: tuple[int, int, int] | None = None) -> bool:
    """Write the glossary's index beside its database (atomically); False, logged, when it cannot.
    `identity`: the database's, when its terms were read (default: the database's now)."""
    try:
        identity = identity or database_identity(db_path)
    except OSError as exc:
        log.warning("cannot save the glossary's lookup index beside %s (%s)", db_path, exc)
        return False
    with collector.paused():  # the copies made here are garbage at once: nothing for the collector to find
        return _save(glossary, db_path, identity)


def _save(glossary: Glossary, db_path: Path, identity: tuple[int, int, int]) -> bool:
    assert glossary.db_path == db_path
    memo: dict[str, str] = {}
    try:
        terms = _shared([TERMS.to_plain(term_prose.without_prose(t)) for t in glossary.terms.values()], memo)
        state = glossary.state()
        prose = Blobs.of(term_prose.prose_blob(t) for t in glossary.terms.values())
        state["prose"] = dict(zip(("block", "ends"), prose.state(), strict=True))
        raw: list[bytes] = []
        chunks = [_framed(part) for part in _parts(terms, _shared(state, memo), raw)]
        chunks.append(_framed(_END))
        header = {
            "format": FORMAT,
            "code": code_fingerprint(),
            "database": identity,
            "version": glossary.version,
            "raw": sum(len(r) for r in raw),  # the file's size is checked against it: cut short, or added to
        }
        chunks.insert(0, _framed(header))
        fd, tmp = tempfile.mkstemp(prefix=".index-", dir=db_path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.writelines(chunks)
                out.write(bytes(_aligned(sum(map(len, chunks))) - sum(map(len, chunks))))
                out.writelines(raw)
            os.replace(tmp, index_path(db_path))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError) as exc:
        log.warning("cannot save the glossary's lookup index beside %s (%s); starts index it again", db_path, exc)
        return False
    return True


def usable(db_path: Path, version: str) -> bool:
    """Whether a saved index made by this code for this very database and version is there (its header only:
    load() still checks the rest)."""
    try:
        data = _mapped(index_path(db_path))
        if data is None:
            return False
        header, _ = next(_unframed(data))
        identity = database_identity(db_path)
    except (OSError, ValueError, EOFError, TypeError):
        return False
    expected = _expected_header(identity, version)
    return isinstance(header, dict) and {k: header.get(k) for k in expected} == expected


def _expected_header(identity: tuple[int, int, int], version: str) -> dict[str, Any]:
    """What a saved index's header says when this code made it for this database and version."""
    return {"format": FORMAT, "code": code_fingerprint(), "database": identity, "version": version}


def load(db_path: Path, version: str, *, yielding: bool = True) -> Glossary | None:
    """The glossary saved for this very database and version by this code; None when there is none.

    yielding: let other threads run between the parts (a reload, beside request threads). A start has none
    waiting, and each yield cost ~0.1 ms on a busy machine: a tenth of a warm load at 10,000 terms."""
    try:
        data = _mapped(index_path(db_path))
        identity = database_identity(db_path)
    except OSError:
        return None
    if data is None:
        return None
    try:
        with collector.paused():
            parts = _unframed(data)
            header, _ = next(parts)
            raw_size = header.get("raw") if isinstance(header, dict) else None
            expected = _expected_header(identity, version)
            if header != {**expected, "raw": raw_size} or not isinstance(raw_size, int):
                return None
            terms: list[Term] = []
            state: dict[str, Any] = {section: {} for section in SECTIONS}
            while (found := next(parts))[0] != _END:
                _take(found[0], terms, state)
                if yielding:
                    time.sleep(0)  # a reload loads this beside request threads: they go between the parts
            raw = _raw_region(data, _aligned(found[1]), raw_size)
            _let_go(data, _aligned(found[1]))
            for (section, name), place in state.pop("raw", {}).items():
                state[section][name] = _slice(raw, place)
            prose = state.pop("prose")
            terms = term_prose.ProseTable(Blobs(prose["block"], prose["ends"])).terms(terms)
            glossary = Glossary(terms, version=version, db_path=db_path, state=state)
            collector.loaded()
    except Exception as exc:  # a damaged file, whatever shape the damage takes: index again
        log.warning("the glossary's saved lookup index %s is unusable (%r); indexing again", index_path(db_path), exc)
        return None
    return glossary


def _framed(value: Any) -> bytes:
    data = marshal.dumps(value)
    return len(data).to_bytes(8, "little") + data


def _unframed(view: memoryview) -> Iterator[tuple[Any, int]]:
    """Each value in turn, with where the next starts (marshal.load on a file object reads in small pieces:
    many times slower)."""
    at = 0
    while at + 8 <= len(view):
        size = int.from_bytes(view[at : at + 8], "little")
        at += 8
        if at + size > len(view):
            raise ValueError("the index file is cut short")
        value = marshal.loads(view[at : at + size])
        at += size
        yield value, at
    raise ValueError("the index file ends without its end marker")


def _mapped(path: Path) -> memoryview | None:
    """The file mapped read-only (None when empty). Its vectors are used where they lie: every worker of a
    server shares the same pages of the page cache, and a start copies and decodes none of them. The file is
    only ever replaced by a rename, never written in place, so a mapping stays whole while it is used."""
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return None
        return memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))


def _let_go(data: memoryview, size: int) -> None:
    """Drop the decoded values' pages (the first `size` bytes) from this process's mapping: the mapping stays
    for the vectors after them, and those pages would otherwise count in the worker's memory for as long as
    it runs (about 29 MB at 10,000 terms), though nothing reads them again."""
    mapped = data.obj
    if isinstance(mapped, mmap.mmap) and size and hasattr(mmap, "MADV_DONTNEED"):
        with contextlib.suppress(OSError, ValueError):
            mapped.madvise(mmap.MADV_DONTNEED, 0, size)


def _aligned(at: int) -> int:
    return -(-at // RAW_ALIGN) * RAW_ALIGN


def _raw_region(data: memoryview, start: int, size: int) -> memoryview:
    if start + size != len(data):
        raise ValueError("the index file's vectors are cut short or followed by more")
    return data[start:]


def _slice(raw: memoryview, place: Any) -> memoryview:
    offset, length = place
    if not (isinstance(offset, int) and isinstance(length, int) and 0 <= offset <= offset + length <= len(raw)):
        raise ValueError(f"a vector block outside the file: {place!r}")
    return raw[offset : offset + length]


# The file is a header, then parts of at most PART values each, then _END. One marshal.loads of the whole
# index held the GIL for ~100 ms at 10,000 terms, which a reload's requests all waited for; a part takes
# a few milliseconds. Strings up to INTERN_UP_TO characters are saved interned, so the parts (loaded one by
# one) still share one copy of each name and word.
PART = 250
INTERN_UP_TO = 200
_END = "end"
# The parts of Glossary.state(), then the terms' prose (term_prose.py), in the order they are saved.
SECTIONS = ("meaning", "names", "ranker", "prose")
# After the end marker, from the next multiple of RAW_ALIGN, the raw region: the meaning lane's vectors as
# they lie in memory (about 51 MB at 10,000 terms), each block aligned for numpy, mapped rather than read.
RAW_ALIGN = 4096


def _parts(terms: list[tuple[Any, ...]], state: dict[str, Any], raw: list[bytes]) -> Iterator[tuple[Any, ...]]:
    """The parts to frame; byte strings (the meaning lane's vectors, the ranker's text table) are added to `raw`
    instead, each padded to RAW_ALIGN, and their parts say where they lie in the file's raw region."""
    for start in range(0, len(terms), PART):
        yield ("terms", "", "", terms[start : start + PART])
    for section in SECTIONS:
        for name, value in state[section].items():
            if isinstance(value, bytes):
                at = sum(map(len, raw))
                raw.append(value + bytes(_aligned(len(value)) - len(value)))
                yield ("raw", name, section, (at, len(value)))
            elif isinstance(value, dict) and len(value) > PART:
                items = list(value.items())
                yield (section, name, "dict", {})
                for start in range(0, len(items), PART):
                    yield (section, name, "merge", dict(items[start : start + PART]))
            elif isinstance(value, list) and len(value) > PART:
                yield (section, name, "list", [])
                for start in range(0, len(value), PART):
                    yield (section, name, "extend", value[start : start + PART])
            else:
                yield (section, name, "set", value)


def _take(part: tuple[Any, ...], terms: list[Term], state: dict[str, Any]) -> None:
    section, name, how, value = part
    if section == "terms":
        terms.extend(map(TERMS.from_plain, value))
    elif section == "raw" and how in SECTIONS:  # `how`: the section the byte string belongs to
        state.setdefault("raw", {})[(how, name)] = value  # where in the raw region: sliced once it is found
    elif how in ("set", "dict", "list"):
        state[section][name] = value
    elif how == "merge":
        state[section][name].update(value)
    elif how == "extend":
        state[section][name].extend(value)
    else:
        raise ValueError(f"unknown part {how!r}")


def _shared(value: Any, memo: dict[str, str]) -> Any:
    """The value with every equal string one object: marshal then saves each once, and a load makes each once.
    The index repeats the terms' names and words many times over (about 4 MB at 10,000 terms)."""
    if isinstance(value, str):
        return memo.setdefault(value, sys.intern(value) if len(value) <= INTERN_UP_TO else value)
    if isinstance(value, dict):
        return {_shared(k, memo): _shared(v, memo) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset)):
        return type(value)(_shared(v, memo) for v in value)
    return value
