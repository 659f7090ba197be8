"""The first release's state schema, exactly as its `metadata.create_all` made it.

Written out in full rather than read from bot/state/schema.py: that module describes the newest schema,
and this revision must keep creating the old one forever. A database the first release created has
these tables and no version; `db upgrade` stamps it at this revision instead of running it.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copy of the active statuses of that release; the unique index below repeats them as SQL.
ACTIVE_PREDICATE = "kind = 'new' AND status IN ('open', 'drafting', 'in_review')"


def upgrade() -> None:
    # The same tables in the same order as ever, in two steps only to keep each function short to read.
    _people_and_events()
    _requests()


def _people_and_events() -> None:
    op.create_table(
        "preferences",
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("framing", sa.String(16), nullable=True),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_processed_events_received_at", "processed_events", ["received_at"])


def _requests() -> None:
    op.create_table(
        "term_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("term_key", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("seen_where", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("audiences", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("requester", sa.String(32), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(32), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("linked_slug", sa.Text(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "one_active_request_per_term",
        "term_requests",
        ["term_key"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_PREDICATE),
        postgresql_where=sa.text(ACTIVE_PREDICATE),
    )
    op.create_table(
        "request_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["term_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_request_history_request_id", "request_history", ["request_id"])
    op.create_table(
        "request_votes",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["term_requests.id"]),
        sa.PrimaryKeyConstraint("request_id", "user_id"),
    )


def downgrade() -> None:
    # Dropping the people's data is never a deploy step; restore a backup instead.
    raise NotImplementedError("the first release's schema has nothing below it")
