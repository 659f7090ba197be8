"""Where each letter's message landed, and how long an unsure letter waits for Slack's echo of it.

The outbox no longer reads channel history to learn whether a try it is unsure about reached Slack (that needed
the channels:history and groups:history scopes): every post carries its letter's id in message metadata, Slack
echoes it back (message_metadata_posted), and the echo or Slack's answer stores the post's channel and ts here.

Revision ID: 0013
Revises: 0012 (re-chained at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("echo_due", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_channel", sa.String(64), nullable=True))
        batch.add_column(sa.Column("sent_ts", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sent_ts")
        batch.drop_column("sent_channel")
        batch.drop_column("echo_due")
