"""The one MetaData every state table is defined on (schema.py, install_schema.py): a module of its own so that
the table modules import it, never each other."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
