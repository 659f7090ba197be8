"""The busy-day Home (lookups counted per day, the newest Home asked for) and id columns as wide as what is accepted.

`lookup_rollups` holds each team's lookups counted per day, surface, outcome, term and (for a miss) query: the Home read
them by scanning `lookups` on every open (500,000 rows and 300 people opening the Home made a backlog of minutes).
The rows already in `lookups` are counted into it here, so the figures go on without a gap.

`home_asks` holds the Home each person asked for last, numbered, so that every process publishing Homes draws the
newest one (bot/slack/home/publisher.py).

The person and channel id columns still at 32 characters (a preference's, a reviewer's, a verifier's, a digest's
and a vote's person, a pull request's asker, a triage message's channel) become 64 on PostgreSQL, as revision 0008
did for requesters and voters. SQLite never checks a VARCHAR's length: its schema keeps 32 (bot/state/schema.py).

Revision ID: 0012
Revises: 0011 (after 0009 gave every row its team: the counts are kept per team)
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

TEAM_ID_LENGTH = 32  # as revision 0009 made the team columns (bot/state/schema.py)

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

WIDENED = (
    ("preferences", "user_id", False),
    ("term_requests", "reviewer", True),
    ("term_requests", "channel_id", True),
    ("term_verifications", "verified_by", False),
    ("digest_deliveries", "user_id", False),
    ("term_feedback", "user_id", False),
    ("pull_requests", "asked_by", False),
)
COUNT_CHUNK = 1000  # rollup rows inserted per statement while counting the existing lookups


def _resize(width: int, was: int) -> None:
    if op.get_context().dialect.name == "sqlite":
        return
    for table, column, nullable in WIDENED:
        op.alter_column(table, column, type_=sa.String(width), existing_type=sa.String(was), existing_nullable=nullable)


def _count_existing() -> None:
    """Every lookup already recorded, counted into its team's day's rows (read in order, counted in Python: the day
    of a timestamp is spelled differently by each dialect, and this runs once)."""
    conn = op.get_bind()
    lookups = sa.table(
        "lookups", sa.column("at", sa.DateTime(timezone=True)), sa.column("surface"), sa.column("outcome"),
        sa.column("slug"), sa.column("query"), sa.column("team_id"), sa.column("enterprise_id"),
    )  # fmt: skip
    counts: dict[tuple[str, dt.date, str, str, str, str], int] = {}
    orgs: dict[str, str | None] = {}
    rows = conn.execute(
        sa.select(
            lookups.c.at, lookups.c.surface, lookups.c.outcome, lookups.c.slug, lookups.c.query,
            lookups.c.team_id, lookups.c.enterprise_id,
        )
    )  # fmt: skip
    for at, surface, outcome, slug, query, team_id, enterprise_id in rows:
        day = (at if at.tzinfo is None else at.astimezone(dt.UTC)).date()
        key = (team_id, day, surface, outcome, slug or "", query if outcome == "miss" else "")
        counts[key] = counts.get(key, 0) + 1
        orgs[team_id] = enterprise_id
    rollups = sa.table(
        "lookup_rollups", sa.column("team_id"), sa.column("enterprise_id"), sa.column("day", sa.Date),
        sa.column("surface"), sa.column("outcome"), sa.column("slug"), sa.column("query"), sa.column("count"),
    )  # fmt: skip
    names = ("team_id", "day", "surface", "outcome", "slug", "query")
    values = [
        {**dict(zip(names, key, strict=True)), "enterprise_id": orgs[key[0]], "count": n} for key, n in counts.items()
    ]
    for start in range(0, len(values), COUNT_CHUNK):
        conn.execute(sa.insert(rollups), values[start : start + COUNT_CHUNK])


def upgrade() -> None:
    op.create_table(
        "lookup_rollups",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(TEAM_ID_LENGTH), nullable=False),
        sa.Column("enterprise_id", sa.String(TEAM_ID_LENGTH)),
        sa.PrimaryKeyConstraint("team_id", "day", "surface", "outcome", "slug", "query", name="lookup_rollups_pkey"),
    )
    _count_existing()
    op.create_table(
        "home_asks",
        sa.Column("user_id", sa.String(64).with_variant(sa.String(32), "sqlite"), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    _resize(64, 32)


def downgrade() -> None:
    _resize(32, 64)
    op.drop_table("home_asks")
    op.drop_table("lookup_rollups")
