"""Installations through OAuth: slack_sdk's installation and OAuth state tables, made by us, not at run time.

The columns are slack_sdk's SQLAlchemy stores' (3.48), except the token columns, which are TEXT: they hold
Fernet ciphertext, longer than slack_sdk's VARCHAR(200).

Revision ID: 0010
Revises: 0009 (re-chained at the merge: after rows got their teams)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def _columns(*, user: bool) -> list[sa.schema.SchemaItem]:
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=True),
        sa.Column("enterprise_name", sa.String(200), nullable=True),
        *([sa.Column("enterprise_url", sa.String(200), nullable=True)] if user else []),
        sa.Column("team_id", sa.String(32), nullable=True),
        sa.Column("team_name", sa.String(200), nullable=True),
        sa.Column("bot_token", sa.Text(), nullable=True),
        sa.Column("bot_id", sa.String(32), nullable=True),
        sa.Column("bot_user_id", sa.String(32), nullable=True),
        sa.Column("bot_scopes", sa.String(1000), nullable=True),
        sa.Column("bot_refresh_token", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(), nullable=True),
    ]
    if user:
        columns += [
            sa.Column("user_id", sa.String(32), nullable=False),
            sa.Column("user_token", sa.Text(), nullable=True),
            sa.Column("user_scopes", sa.String(1000), nullable=True),
            sa.Column("user_refresh_token", sa.Text(), nullable=True),
            sa.Column("user_token_expires_at", sa.DateTime(), nullable=True),
            sa.Column("incoming_webhook_url", sa.String(200), nullable=True),
            sa.Column("incoming_webhook_channel", sa.String(200), nullable=True),
            sa.Column("incoming_webhook_channel_id", sa.String(200), nullable=True),
            sa.Column("incoming_webhook_configuration_url", sa.String(200), nullable=True),
        ]
    columns += [sa.Column("is_enterprise_install", sa.Boolean(), nullable=False)]
    if user:
        columns += [sa.Column("token_type", sa.String(32), nullable=True)]
    return [*columns, sa.Column("installed_at", sa.DateTime(), nullable=False), sa.PrimaryKeyConstraint("id")]


def upgrade() -> None:
    op.create_table("slack_installations", *_columns(user=True))
    op.create_index(
        "slack_installations_idx",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    op.create_table("slack_bots", *_columns(user=False))
    op.create_index("slack_bots_idx", "slack_bots", ["client_id", "enterprise_id", "team_id", "installed_at"])
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("slack_oauth_states")
    op.drop_index("slack_bots_idx", table_name="slack_bots")
    op.drop_table("slack_bots")
    op.drop_index("slack_installations_idx", table_name="slack_installations")
    op.drop_table("slack_installations")
