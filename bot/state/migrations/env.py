"""Alembic's entry into the state database. Only ever run by bot.state.migrations, which hands over a
connection already inside the transaction (and lock) the whole upgrade runs in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bot.state.schema import metadata  # the live schema, for `db revision` to compare with; revisions never use it

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations with `python -m bot db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead, so new revisions get it by default.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
