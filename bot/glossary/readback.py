"""The glossary database read back: every term as it was built, in glossary order.

Beside db.py, which writes it; each instance reads its own copy into memory once per glossary version.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .db import CHILD_ROWS, Row, read_only
from .model import Citation, Relation, RelationKind, Term, TermStatus


def read_terms(db_path: Path) -> list[Term]:
    """Every term, rebuilt from the database in glossary order.

    Rows are read as plain tuples, and short texts that many terms share (license, categories, roles,
    citations, file folders…) are kept once: a 10,000-term glossary is held by every worker.
    """
    shared: dict[str, str] = {}

    def once(value: Any) -> Any:
        return shared.setdefault(value, value) if isinstance(value, str) and len(value) <= 120 else value

    with read_only(db_path) as db:
        children = {table: _rows_by_slug(db, table, once) for table in CHILD_ROWS}
        cursor = db.conn.execute("select * from terms order by position")
        names = [d[0] for d in cursor.description]
        return [
            _term_from_rows(
                {name: once(value) for name, value in zip(names, row, strict=True)},
                {table: rows.get(row[0], []) for table, rows in children.items()},
            )
            for row in cursor
        ]


def _rows_by_slug(db: Database, table: str, once: Callable[[Any], Any]) -> dict[str, list[Row]]:
    per_term: dict[str, list[Row]] = {}
    cursor = db.conn.execute(f"select * from [{table}] order by slug, position")
    names = [d[0] for d in cursor.description]
    for row in cursor:
        per_term.setdefault(row[0], []).append({name: once(value) for name, value in zip(names, row, strict=True)})
    return per_term


def _term_from_rows(r: Row, kids: dict[str, list[Row]]) -> Term:
    """The inverse of `_term_row` and `CHILD_ROWS`: one term from its row and its child rows."""
    examples = kids["examples"]
    return Term(
        slug=r["slug"],
        term=r["term"],
        part_of_speech=r["part_of_speech"],
        short_def=r["short_def"],
        long_def=r["long_def"],
        exec_framing=r["exec"],
        engineer_framing=r["engineer"],
        risk_notes=r["risk_notes"],
        license=r["license"],
        status=TermStatus(r["status"]),
        last_reviewed=r["last_reviewed"],
        source_file=r["source_file"],
        aliases=tuple(k["alias"] for k in kids["aliases"]),
        categories=tuple(k["category"] for k in kids["categories"]),
        roles=tuple(k["role"] for k in kids["roles"]),
        nist_tags=tuple(k["tag"] for k in kids["nist_tags"]),
        examples_do=tuple(k["text"] for k in examples if k["kind"] == "do"),
        examples_dont=tuple(k["text"] for k in examples if k["kind"] == "dont"),
        citations=tuple(Citation(k["source"], k["url"]) for k in kids["citations"]),
        relations=tuple(
            Relation(RelationKind(k["kind"]), k["target"], k["target_slug"], bool(k["derived"]))
            for k in kids["relationships"]
        ),
    )
