"""Forgetting a team: every state row that names it, deleted in one transaction (UNINSTALL_DATA=delete).

Generic over the schema: any table with a team_id column (and, for an org, an enterprise_id column) is
purged, children before parents, so a table that gains team ids is covered without a change here. On this
release the tables that name a team are the installations (slack_installations, slack_bots) and the MCP
sign-in grants (mcp_grants); the rest gain their team ids with issue 23's "every row kept to its team".
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Engine, Table, delete

from .schema import metadata


def purge_team(engine: Engine, *, team_id: str | None, enterprise_id: str | None = None) -> dict[str, int]:
    """Delete the rows of a workspace (team_id), or of an Enterprise Grid org (enterprise_id and no team_id):
    rows deleted per table. Nothing at all is deleted when neither id is given."""
    if not team_id and not enterprise_id:
        return {}
    deleted: dict[str, int] = {}
    with engine.connect() as conn:
        conn.execution_options(writing=True)  # SQLite: take the write lock up front (bot/state/store.py)
        with conn.begin():
            for table in reversed(metadata.sorted_tables):  # children first: their foreign keys name the parents
                where = _rows_of(table, team_id, enterprise_id)
                if where is not None:
                    count = conn.execute(delete(table).where(where)).rowcount
                    if count:
                        deleted[table.name] = count
    return deleted


def _rows_of(table: Table, team_id: str | None, enterprise_id: str | None) -> ColumnElement[bool] | None:
    if team_id:
        return table.c.team_id == team_id if "team_id" in table.c else None
    return table.c.enterprise_id == enterprise_id if "enterprise_id" in table.c else None
