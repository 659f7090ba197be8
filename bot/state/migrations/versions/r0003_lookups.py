"""Lookup analytics: one row per lookup, with no user id, no channel id and no message text beyond the query.

Revision ID: 0003
Revises: 0001 (re-chained after the other branches of this release at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "lookups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("slug", sa.Text(), nullable=True),
        sa.Column("how", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lookups_at", "lookups", ["at"])


def downgrade() -> None:
    op.drop_index("ix_lookups_at", table_name="lookups")
    op.drop_table("lookups")
