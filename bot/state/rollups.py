"""The lookups counted per day (the `lookup_rollups` table): what the Home and `/define stats` read.

Kept incrementally, in the transaction that writes the lookups: the analytics writer already gathers a few
hundred lookups per commit (lookups.py), so the counts cost one upsert per distinct (day, surface, outcome, term,
miss) in a batch, and they can never lag behind or disagree with the rows they count, whichever instance wrote
them. A job that counted the rows later would need its own schedule, a lease between instances and a "counted up
to" mark, and the Home would show stale counts in between. Purging a day's rows purges its counts (lookups.py).

A window is read as whole days (UTC): "the last 7 days" counts from midnight of the first of them, so a count
can include up to a day more than the exact 7 × 24 hours. Misses keep their query; other outcomes count under "".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from .schema import lookup_rollups

KEY = ("team_id", "day", "surface", "outcome", "slug", "query")  # a count is one team's


def day_of(at: dt.datetime) -> dt.date:
    """The UTC day a time falls in (a naive time is taken as UTC, as SQLite hands stored times back)."""
    return (at if at.tzinfo is None else at.astimezone(dt.UTC)).date()


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def key_of(row: Mapping[str, object]) -> tuple[str, dt.date, str, str, str, str]:
    """A stored lookup's place in the rollups (`row` as lookups.py stores it, with its team)."""
    at, outcome = row["at"], str(row["outcome"])
    assert isinstance(at, dt.datetime)
    query = str(row["query"]) if outcome == "miss" else ""
    return str(row["team_id"]), day_of(at), str(row["surface"]), outcome, str(row["slug"] or ""), query


def count(rows: Iterable[Mapping[str, object]]) -> dict[tuple[str, dt.date, str, str, str, str], int]:
    counted: dict[tuple[str, dt.date, str, str, str, str], int] = {}
    for row in rows:
        key = key_of(row)
        counted[key] = counted.get(key, 0) + 1
    return counted


def add(conn: Connection, rows: Iterable[Mapping[str, object]]) -> None:
    """Add these lookups to their days' counts: insert a count, or add to the one there (another instance's)."""
    rows = list(rows)
    counted = count(rows)
    if not counted:
        return
    orgs = {str(row["team_id"]): row.get("enterprise_id") for row in rows}
    values = [
        {**dict(zip(KEY, key, strict=True)), "enterprise_id": orgs[key[0]], "count": n}
        for key, n in sorted(counted.items())
    ]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(lookup_rollups)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(KEY), set_={"count": lookup_rollups.c.count + stmt.excluded["count"]}
    )
    conn.execute(stmt, values)
