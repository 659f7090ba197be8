"""Governance: "Still accurate" verifications, and the weekly digest's lease and deliveries.

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "term_verifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("verified_by", sa.String(32), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_term_verifications_slug", "term_verifications", ["slug"])
    op.create_table(
        "digest_leases",
        sa.Column("week", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("week"),
    )
    op.create_table(
        "digest_deliveries",
        sa.Column("week", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("week", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("digest_deliveries")
    op.drop_table("digest_leases")
    op.drop_index("ix_term_verifications_slug", table_name="term_verifications")
    op.drop_table("term_verifications")
