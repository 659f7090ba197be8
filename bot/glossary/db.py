"""The glossary database: derived from the YAML files, disposable, rebuilt only when they change.

The build writes a complete new file beside the old one and swaps it in with one rename, so a reader
(another thread, another worker) sees the old glossary or the new one, never half of each. The
content hash of the files is the glossary's version; an unchanged glossary is not rebuilt.

Everything that knows the tables lives here: the build, reading the terms back, and the full-text
query, whose column weights follow the column order of `term_search`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

if sys.platform != "win32":
    import fcntl
else:  # no advisory locks there: concurrent first builds are merely wasteful, never wrong (atomic rename)
    fcntl = None

from . import collector
from .files import FileStats, file_stats
from .load import CheckFiles, load_files
from .model import Problem, Severity, Term
from .parse import DEFAULT_MAX_FILE_BYTES, FileText, read_glossary_files
from .postings import store_doclists

# Bump when the tables change: a database built by older code is then rebuilt, not misread.
SCHEMA_VERSION = "3"  # 2: relationships.derived; 3: search_doclists

Row = dict[str, Any]

# The full-text columns of `term_search`, and how much a word found in each counts (bm25 weights, in
# the same order): a word in the name beats one in an alias, which beats one in a definition.
SEARCH_CONTENT = "term_search"
SEARCH_TABLE = "term_search_fts"  # the name sqlite-utils gives term_search's full-text index
SEARCH_COLUMNS = ("term", "aliases", "short_def", "long_def", "exec", "engineer")
SEARCH_WEIGHTS = (10.0, 8.0, 3.0, 1.0, 2.0, 2.0)

_CHILD = {"slug": str, "position": int}
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...] | None]] = {
    "meta": ({"key": str, "value": str}, "key"),
    "terms": (
        {
            "slug": str,
            "term": str,
            "part_of_speech": str,
            "short_def": str,
            "long_def": str,
            "exec": str,
            "engineer": str,
            "risk_notes": str,
            "license": str,
            "status": str,
            "last_reviewed": str,
            "source_file": str,
            "position": int,
        },
        "slug",
    ),
    "aliases": ({**_CHILD, "alias": str}, ("slug", "position")),
    "categories": ({**_CHILD, "category": str}, ("slug", "position")),
    "roles": ({**_CHILD, "role": str}, ("slug", "position")),
    "nist_tags": ({**_CHILD, "tag": str}, ("slug", "position")),
    "examples": ({**_CHILD, "kind": str, "text": str}, ("slug", "position")),
    "citations": ({**_CHILD, "source": str, "url": str}, ("slug", "position")),
    "relationships": (
        {**_CHILD, "kind": str, "target": str, "target_slug": str, "derived": int},
        ("slug", "position"),
    ),
    "problems": ({"severity": str, "file": str, "field": str, "line": int, "message": str}, None),
    "term_search": (
        {"slug": str, **dict.fromkeys(SEARCH_COLUMNS, str)},
        "slug",
    ),
}


@dataclass
class BuildReport:
    version: str
    rebuilt: bool
    terms: int
    problems: list[Problem] = field(default_factory=list)
    path: Path | None = None
    # The terms just written, when this build wrote them: the same terms, in the same order, that reading the
    # database back gives (tests/test_glossary_db.py holds this), so a cold start can index them without a
    # second read. Whoever indexes them drops them (they are not sent between processes).
    built: list[Term] | None = field(default=None, repr=False, compare=False)


def content_hash(directory: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """The glossary's version: a hash of every term file's path and bytes, and of the schema."""
    return version_of(read_glossary_files(directory, max_file_bytes) if directory.is_dir() else [], directory)


def version_of(files: list[FileText], directory: Path) -> str:
    """The version of a snapshot of the files; a file too large to read counts by its size and time."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for file in files:
        digest.update(file.path.relative_to(directory).as_posix().encode() + b"\0")
        if file.raw is not None:
            digest.update(file.raw)
        else:
            digest.update(f"{file.problem}\0{file.size}\0{file.mtime_ns}".encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@contextmanager
def read_only(db_path: Path) -> Iterator[Database]:
    """The built database, opened read-only: a reader can never change what another process serves."""
    db = Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    try:
        yield db
    finally:
        db.conn.close()


def stored_version(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        with read_only(db_path) as db:
            row = db.execute("select value from meta where key = 'version'").fetchone()
    except sqlite3.Error:
        return None  # unreadable or foreign: rebuild it
    return str(row[0]) if row else None


def current_report(db_path: Path, stats: FileStats) -> BuildReport | None:
    """The database's report when it was built from term files with exactly these stats (a warm start:
    nothing to read or build), else None."""
    version = stored_version(db_path)
    if not stats or version is None or stored_stats(db_path) != stats:
        return None
    return BuildReport(version, False, count_terms(db_path), read_problems(db_path), db_path)


def stored_stats(db_path: Path) -> FileStats | None:
    """The stat of each term file the database was built from (see parse.file_stats), if it kept them."""
    try:
        with read_only(db_path) as db:
            row = db.execute("select value from meta where key = 'files'").fetchone()
        return {path: tuple(stat) for path, stat in json.loads(row[0]).items()} if row else None
    except (sqlite3.Error, ValueError, TypeError, AttributeError):
        return None


def ensure_built(
    glossary_dir: Path,
    db_path: Path,
    *,
    force: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    files: list[FileText] | None = None,
    stats: FileStats | None = None,
    check: CheckFiles | None = None,
) -> BuildReport:
    """Build the database unless it already holds this exact glossary.

    The files are read once (or handed in, already read): the version stored is that of the bytes loaded.
    When every term file has the size, times and inode it had at the last build, nothing is read: a
    warm start costs one stat per file instead of reading and hashing them all. `stats` are taken
    before the files are read, so a file that changes meanwhile shows as changed at the next check.
    `check`: how the files are parsed and checked (load.load_files; the builder process passes its own).
    """
    if files is None:
        with _building(db_path):
            return _ensure_built_from_disk(glossary_dir, db_path, force, max_file_bytes, check)
    return _build(glossary_dir, db_path, force, files, stats or {}, check)


@contextmanager
def _building(db_path: Path) -> Iterator[None]:
    """One builder at a time per database: gunicorn's workers start together, and without this each
    would parse every file at once on the same cores. The others wait, then find it built."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(db_path.with_name(db_path.name + ".lock"), "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _ensure_built_from_disk(
    glossary_dir: Path, db_path: Path, force: bool, max_file_bytes: int, check: CheckFiles | None
) -> BuildReport:
    stats = file_stats(glossary_dir) if glossary_dir.is_dir() else {}
    current = None if force else current_report(db_path, stats)
    if current is not None:
        return current
    files = read_glossary_files(glossary_dir, max_file_bytes) if glossary_dir.is_dir() else []
    return _build(glossary_dir, db_path, force, files, stats, check)


def _build(
    glossary_dir: Path,
    db_path: Path,
    force: bool,
    files: list[FileText],
    stats: FileStats,
    check: CheckFiles | None = None,
) -> BuildReport:
    version = version_of(files, glossary_dir)
    if not force and stored_version(db_path) == version:
        return BuildReport(version, False, count_terms(db_path), read_problems(db_path), db_path)
    with collector.paused():
        result = load_files(glossary_dir, files, keep=_serving(db_path), check=check)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".glossary-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    try:
        _write(Path(tmp), result.terms, result.problems, version, stats)
        os.replace(tmp, db_path)  # atomic on POSIX and Windows: readers see old or new, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return BuildReport(version, True, len(result.terms), result.problems, db_path, built=result.terms)


def _serving(db_path: Path) -> dict[str, str]:
    """slug -> file of the glossary built before, so a slug collision keeps the term being served."""
    if stored_version(db_path) is None:
        return {}
    try:
        with read_only(db_path) as db:
            return {r["slug"]: r["source_file"] for r in db["terms"].rows}
    except sqlite3.Error:
        return {}


def _write(path: Path, terms: list[Term], problems: list[Problem], version: str, stats: FileStats) -> None:
    db = Database(path, recreate=True)
    # A file nobody reads until it is renamed into place: no journal and no fsync per statement (a crash
    # leaves only a temporary file, deleted or rebuilt). One executemany per table, one transaction:
    # sqlite-utils' insert_all builds and commits a statement per chunk, which made the write the
    # slowest part of a build at 10,000 terms.
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    # Tables are created up front so that an empty glossary still has every table to read.
    for table, (columns, pk) in TABLES.items():
        db.table(table).create(columns, pk=pk)
    with db.conn:
        meta = {"version": version, "schema": SCHEMA_VERSION}
        if stats:
            meta["files"] = json.dumps(stats)
        _insert(db, "meta", ({"key": k, "value": v} for k, v in meta.items()))
        _insert(db, "terms", (_term_row(n, t) for n, t in enumerate(terms)))
        for table, rows in CHILD_ROWS.items():
            _rows(db, table, terms, rows)
        _insert(
            db,
            "problems",
            (
                {"severity": p.severity, "file": p.file, "field": p.field, "line": p.line, "message": p.message}
                for p in problems
            ),
        )
        _insert(db, "term_search", (_search_row(t) for t in terms))
    # Porter stemming lets "quantize" find "quantization"; SEARCH_WEIGHTS follows this column order.
    db.table(SEARCH_CONTENT).enable_fts(list(SEARCH_COLUMNS), tokenize="porter")
    with db.conn:
        store_doclists(db.conn, SEARCH_TABLE, SEARCH_COLUMNS, SEARCH_WEIGHTS)
    db.conn.close()


def _insert(db: Database, table: str, rows: Iterable[Row]) -> None:
    """Every row in one executemany, values in the column order TABLES gives."""
    columns = list(TABLES[table][0])
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)
    db.conn.executemany(
        f"insert into [{table}] ({names}) values ({marks})", ([row.get(c) for c in columns] for row in rows)
    )


def _term_row(position: int, t: Term) -> Row:
    return {
        "slug": t.slug,
        "term": t.term,
        "part_of_speech": t.part_of_speech,
        "short_def": t.short_def,
        "long_def": t.long_def,
        "exec": t.exec_framing,
        "engineer": t.engineer_framing,
        "risk_notes": t.risk_notes,
        "license": t.license,
        "status": t.status,
        "last_reviewed": t.last_reviewed,
        "source_file": t.source_file,
        "position": position,
    }


def _search_row(t: Term) -> Row:
    return {
        "slug": t.slug,
        "term": t.term,
        "aliases": " ; ".join(t.aliases),
        "short_def": t.short_def,
        "long_def": t.long_def,
        "exec": t.exec_framing,
        "engineer": t.engineer_framing,
    }


# A term's list fields, one row per item, kept in the order the file lists them.
CHILD_ROWS: dict[str, Callable[[Term], Iterable[Row]]] = {
    "aliases": lambda t: [{"alias": v} for v in t.aliases],
    "categories": lambda t: [{"category": v} for v in t.categories],
    "roles": lambda t: [{"role": v} for v in t.roles],
    "nist_tags": lambda t: [{"tag": v} for v in t.nist_tags],
    "examples": lambda t: (
        [{"kind": "do", "text": x} for x in t.examples_do] + [{"kind": "dont", "text": x} for x in t.examples_dont]
    ),
    "citations": lambda t: [{"source": c.source, "url": c.url} for c in t.citations],
    "relationships": lambda t: [
        {"kind": r.kind, "target": r.target, "target_slug": r.slug, "derived": int(r.derived)} for r in t.relations
    ],
}


def _rows(db: Database, table: str, terms: list[Term], rows: Callable[[Term], Iterable[Row]]) -> None:
    _insert(db, table, ({"slug": t.slug, "position": i, **row} for t in terms for i, row in enumerate(rows(t))))


def count_terms(db_path: Path) -> int:
    with read_only(db_path) as db:
        return int(db.execute("select count(*) from terms").fetchone()[0])


def read_problems(db_path: Path) -> list[Problem]:
    with read_only(db_path) as db:
        return [
            Problem(Severity(r["severity"]), r["file"], r["field"], r["message"], r["line"])
            for r in db["problems"].rows_where(order_by="rowid")
        ]


# Each request thread keeps its own reader, and SQLite's default page cache is 2 MB per connection: 16 threads
# held ~30 MB of copies of the same pages. The operating system caches the file for all of them anyway.
READER_CACHE_KIB = 256


def connect_read_only(db_path: Path) -> sqlite3.Connection:
    """A read-only connection for one thread to keep: lookups on that thread reuse it (no open per query).

    It reads the file it opened even after a rebuild swaps a new one in, so it must belong to one
    glossary version: `lookup.Glossary` keeps one per thread per version.
    """
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    return conn


def search(
    conn: sqlite3.Connection, words: list[str], limit: int, *, every_word: bool = True
) -> list[tuple[str, float]]:
    """(slug, relevance) of the terms whose text has every word (or any word), most relevant first.

    Raises sqlite3.Error when the database cannot be read.
    """
    weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
    # Each word quoted, so FTS syntax typed by a person is only ever text.
    match = (" AND " if every_word else " OR ").join('"' + w.replace('"', '""') + '"' for w in words)
    # The best `limit` rows are picked first and only they are joined for their slug: joining every matching row
    # before the sort cost ~40% of a query that matches thousands of terms (any word of an open question). The
    # rows reach each sort in the same order as before, and SQLite's sorts keep ties in arrival order: the same
    # rows in the same order.
    rows = conn.execute(
        f"select t.slug, best.rank from (select rowid, bm25({SEARCH_TABLE}, {weights}) as rank "
        f"from {SEARCH_TABLE} where {SEARCH_TABLE} match ? order by rank limit ?) as best "
        "join term_search t on t.rowid = best.rowid order by best.rank",
        [match, limit],
    ).fetchall()
    # bm25 is lower for better matches; relevance reads the other way round.
    return [(str(slug), round(-float(rank), 2)) for slug, rank in rows]
