"""The glossary database: derived from the YAML files, disposable, rebuilt only when they change.

The build writes a complete new file beside the old one and swaps it in with one rename, so a reader
(another thread, another worker) sees the old glossary or the new one, never half of each. The
content hash of the files is the glossary's version; an unchanged glossary is not rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from .load import glossary_files, load_glossary
from .lookup import Glossary
from .model import Citation, Problem, Relation, Term

# Bump when the tables change: a database built by older code is then rebuilt, not misread.
SCHEMA_VERSION = "1"
DB_NAME = "glossary.db"

_CHILD = {"slug": str, "position": int}
TABLES = {
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
    "relationships": ({**_CHILD, "kind": str, "target": str, "target_slug": str}, ("slug", "position")),
    "problems": ({"severity": str, "file": str, "field": str, "line": int, "message": str}, None),
    "term_search": (
        {"slug": str, "term": str, "aliases": str, "short_def": str, "long_def": str, "exec": str, "engineer": str},
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


def content_hash(directory: Path) -> str:
    """The glossary's version: a hash of every term file's path and bytes, and of the schema."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    if directory.is_dir():
        for path in glossary_files(directory):
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def stored_version(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("select value from meta where key = 'version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # unreadable or foreign: rebuild it
    return row[0] if row else None


def ensure_built(glossary_dir: Path, db_path: Path, *, force: bool = False) -> BuildReport:
    """Build the database unless it already holds this exact glossary."""
    version = content_hash(glossary_dir)
    if not force and stored_version(db_path) == version:
        return BuildReport(version, False, count_terms(db_path), read_problems(db_path), db_path)
    result = load_glossary(glossary_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".glossary-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    try:
        _write(Path(tmp), result.terms, result.problems, version)
        os.replace(tmp, db_path)  # atomic on POSIX and Windows: readers see old or new, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return BuildReport(version, True, len(result.terms), result.problems, db_path)


def _write(path: Path, terms: list[Term], problems: list[Problem], version: str) -> None:
    db = Database(path, recreate=True)
    # Tables are created up front so that an empty glossary still has every table to read.
    for table, (columns, pk) in TABLES.items():
        db[table].create(columns, pk=pk)
    with db.conn:
        db["meta"].insert_all([{"key": "version", "value": version}, {"key": "schema", "value": SCHEMA_VERSION}])
        db["terms"].insert_all(
            (
                {
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
                    "position": n,
                }
                for n, t in enumerate(terms)
            )
        )
        _children(db, "aliases", "alias", terms, lambda t: t.aliases)
        _children(db, "categories", "category", terms, lambda t: t.categories)
        _children(db, "roles", "role", terms, lambda t: t.roles)
        _children(db, "nist_tags", "tag", terms, lambda t: t.nist_tags)
        _rows(
            db,
            "examples",
            terms,
            lambda t: (
                [{"kind": "do", "text": x} for x in t.examples_do]
                + [{"kind": "dont", "text": x} for x in t.examples_dont]
            ),
        )
        _rows(db, "citations", terms, lambda t: [{"source": c.source, "url": c.url} for c in t.citations])
        _rows(
            db,
            "relationships",
            terms,
            lambda t: [{"kind": r.kind, "target": r.target, "target_slug": r.slug} for r in t.relations],
        )
        db["problems"].insert_all(
            (
                {"severity": p.severity, "file": p.file, "field": p.field, "line": p.line, "message": p.message}
                for p in problems
            ),
        )
        db["term_search"].insert_all(
            (
                {
                    "slug": t.slug,
                    "term": t.term,
                    "aliases": " ; ".join(t.aliases),
                    "short_def": t.short_def,
                    "long_def": t.long_def,
                    "exec": t.exec_framing,
                    "engineer": t.engineer_framing,
                }
                for t in terms
            ),
        )
    # Porter stemming lets "quantize" find "quantization"; the column weights live in lookup.
    db["term_search"].enable_fts(["term", "aliases", "short_def", "long_def", "exec", "engineer"], tokenize="porter")
    db.conn.close()


def _children(db: Database, table: str, column: str, terms: list[Term], values) -> None:
    _rows(db, table, terms, lambda t: [{column: v} for v in values(t)])


def _rows(db: Database, table: str, terms: list[Term], rows) -> None:
    db[table].insert_all(
        ({"slug": t.slug, "position": i, **row} for t in terms for i, row in enumerate(rows(t))),
    )


def count_terms(db_path: Path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("select count(*) from terms").fetchone()[0]
    finally:
        conn.close()


def read_problems(db_path: Path) -> list[Problem]:
    db = Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    try:
        return [
            Problem(r["severity"], r["file"], r["field"], r["message"], r["line"])
            for r in db["problems"].rows_where(order_by="rowid")
        ]
    finally:
        db.conn.close()


def read_terms(db_path: Path) -> list[Term]:
    """Every term, rebuilt from the database in glossary order."""
    db = Database(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
    try:
        children: dict[str, dict[str, list]] = {}
        for table in ("aliases", "categories", "roles", "nist_tags", "examples", "citations", "relationships"):
            per_term: dict[str, list] = {}
            for row in db[table].rows_where(order_by="slug, position"):
                per_term.setdefault(row["slug"], []).append(row)
            children[table] = per_term

        def kids(table: str, slug: str) -> list:
            return children[table].get(slug, [])

        return [
            Term(
                slug=r["slug"],
                term=r["term"],
                part_of_speech=r["part_of_speech"],
                short_def=r["short_def"],
                long_def=r["long_def"],
                exec_framing=r["exec"],
                engineer_framing=r["engineer"],
                risk_notes=r["risk_notes"],
                license=r["license"],
                status=r["status"],
                last_reviewed=r["last_reviewed"],
                source_file=r["source_file"],
                aliases=tuple(k["alias"] for k in kids("aliases", r["slug"])),
                categories=tuple(k["category"] for k in kids("categories", r["slug"])),
                roles=tuple(k["role"] for k in kids("roles", r["slug"])),
                nist_tags=tuple(k["tag"] for k in kids("nist_tags", r["slug"])),
                examples_do=tuple(k["text"] for k in kids("examples", r["slug"]) if k["kind"] == "do"),
                examples_dont=tuple(k["text"] for k in kids("examples", r["slug"]) if k["kind"] == "dont"),
                citations=tuple(Citation(k["source"], k["url"]) for k in kids("citations", r["slug"])),
                relations=tuple(
                    Relation(k["kind"], k["target"], k["target_slug"]) for k in kids("relationships", r["slug"])
                ),
            )
            for r in db["terms"].rows_where(order_by="position")
        ]
    finally:
        db.conn.close()


def open_glossary(glossary_dir: Path, db_path: Path) -> tuple[Glossary, BuildReport]:
    """Build if needed, then load the terms into the in-memory lookup."""
    report = ensure_built(glossary_dir, db_path)
    return Glossary(read_terms(db_path), version=report.version, db_path=db_path), report
