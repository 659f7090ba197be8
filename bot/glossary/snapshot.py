"""The lookup index of one glossary version, saved beside its database: a start with unchanged files, or a
reload whose database another process built, loads it instead of indexing every term again.

At 10,000 terms, reading the terms back and indexing them takes about 2.5 s of one core (it was most of a
warm start, and all of a reload's stall inside the serving process); loading this file takes about 0.4 s.

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

import hashlib
import logging
import marshal
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

from . import codec, collector, lookup, meaning, model, names, questions, ranking, variants
from .lookup import Glossary
from .model import Term

log = logging.getLogger(__name__)

FORMAT = 4  # bump when the layout of the saved values changes
# The modules whose code decides what the index holds (codec: how a Term is saved, from model.py's fields).
_BUILDERS = (model, codec, names, questions, ranking, variants, meaning, lookup)
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
) -> Glossary:
    """The glossary of this database: loaded from its saved index, else read (`read`), indexed and saved.

    save_later: saved on a daemon thread, for a server's cold start, which has no use for the file until its
    next start and should not wait most of a second for it (a crash meanwhile leaves no index, or a stray
    temporary file, never a half-written index)."""
    loaded = load(db_path, version)
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
    header = {
        "format": FORMAT,
        "code": code_fingerprint(),
        "database": identity,
        "version": glossary.version,
    }
    try:
        chunks = [_framed(header)]
        terms = _shared([TERMS.to_plain(t) for t in glossary.terms.values()], memo)
        chunks += [_framed(part) for part in _parts(terms, _shared(glossary.state(), memo))]
        chunks.append(_framed(_END))
        fd, tmp = tempfile.mkstemp(prefix=".index-", dir=db_path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.writelines(chunks)
            os.replace(tmp, index_path(db_path))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError) as exc:
        log.warning("cannot save the glossary's lookup index beside %s (%s); starts index it again", db_path, exc)
        return False
    return True


def load(db_path: Path, version: str) -> Glossary | None:
    """The glossary saved for this very database and version by this code; None when there is none."""
    try:
        data = index_path(db_path).read_bytes()
        identity = database_identity(db_path)
    except OSError:
        return None
    try:
        with collector.paused():
            parts = _unframed(data)
            header = next(parts)
            if header != {"format": FORMAT, "code": code_fingerprint(), "database": identity, "version": version}:
                return None
            terms: list[Term] = []
            state: dict[str, Any] = {"names": {}, "ranker": {}, "meaning": {}}
            while (part := next(parts)) != _END:
                _take(part, terms, state)
                time.sleep(0)  # a reload loads this beside request threads: they go between the parts
            glossary = Glossary(terms, version=version, db_path=db_path, state=state)
            collector.loaded()
    except Exception as exc:  # a damaged file, whatever shape the damage takes: index again
        log.warning("the glossary's saved lookup index %s is unusable (%r); indexing again", index_path(db_path), exc)
        return None
    return glossary


def _framed(value: Any) -> bytes:
    data = marshal.dumps(value)
    return len(data).to_bytes(8, "little") + data


def _unframed(data: bytes) -> Iterator[Any]:
    """Each value in turn (marshal.load on a file object reads in small pieces: many times slower)."""
    view = memoryview(data)
    at = 0
    while at + 8 <= len(view):
        size = int.from_bytes(view[at : at + 8], "little")
        at += 8
        if at + size > len(view):
            raise ValueError("the index file is cut short")
        yield marshal.loads(view[at : at + size])
        at += size
    raise ValueError("the index file ends without its end marker")


# The file is a header, then parts of at most PART values each, then _END. One marshal.loads of the whole
# index held the GIL for ~100 ms at 10,000 terms, which a reload's requests all waited for; a part takes
# a few milliseconds. Strings up to INTERN_UP_TO characters are saved interned, so the parts (loaded one by
# one) still share one copy of each name and word.
PART = 250
INTERN_UP_TO = 200
_END = "end"


def _parts(terms: list[tuple[Any, ...]], state: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    for start in range(0, len(terms), PART):
        yield ("terms", "", "", terms[start : start + PART])
    yield ("choices", "", "", state["choices"])
    # The meaning lane's vectors: a few large byte strings (one copy each, no per-value work on load).
    for name, value in state["meaning"].items():
        yield ("meaning", name, "set", value)
    for section in ("names", "ranker"):
        for name, value in state[section].items():
            if isinstance(value, dict) and len(value) > PART:
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
    elif section == "choices":
        state["choices"] = value
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
