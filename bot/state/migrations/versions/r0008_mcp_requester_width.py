"""Requester and voter ids as wide as what is accepted: "mcp:" and a 60-character name is 64 characters.

The MCP tool accepts requester names of up to 60 characters, and PostgreSQL refused any over 28 in the
32-character columns. SQLite never checks a VARCHAR's length (a 64-character id fits its VARCHAR(32)), and
rebuilding its tables to change the number would trip their foreign keys: its schema keeps 32 (bot/state/schema.py).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

WIDENED = (("request_votes", "user_id"), ("request_history", "actor"), ("term_requests", "requester"))


def _resize(width: int, was: int) -> None:
    if op.get_context().dialect.name == "sqlite":
        return
    for table, column in WIDENED:
        op.alter_column(table, column, type_=sa.String(width), existing_type=sa.String(was), existing_nullable=False)


def upgrade() -> None:
    _resize(64, 32)


def downgrade() -> None:
    _resize(32, 64)
