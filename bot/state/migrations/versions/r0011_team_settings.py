"""Settings per workspace: the requests channel, reviewers, digest day and channel domains a workspace admin
sets from the Home (bot/workspaces). One row per team; nothing set means the environment's values apply.

Revision ID: 0011
Revises: 0010 (re-chained at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "team_settings",
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("requests_channel", sa.String(32)),
        sa.Column("reviewers", sa.Text()),
        sa.Column("digest_day", sa.Integer()),
        sa.Column("channel_domains", sa.Text()),
        sa.Column("updated_by", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )


def downgrade() -> None:
    op.drop_table("team_settings")
