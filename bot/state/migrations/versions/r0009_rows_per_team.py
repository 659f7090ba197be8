"""Every row kept to its team: team_id (NOT NULL) and enterprise_id in every state table, per-person keys per
team, and every existing row given to the team that installed the bot.

That team comes from whoever runs the upgrade (bot.state.migrations.upgrade's `team`): SLACK_TEAM_ID and
SLACK_ENTERPRISE_ID, `python -m bot db upgrade --team T…`, or a starting bot that asked Slack's auth.test. A
database with rows and no team to give them to stops here with one line saying what to set; an empty one needs none.

SQLite copies each table (Alembic's batch mode) to change its key. Dropping the old term_requests would break the
foreign keys of the votes and history pointing at it (and SQLite counts that against the commit even once the copy
is in place), so on SQLite those rows wait in temporary tables while the three are copied, and come back after.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Literal

import sqlalchemy as sa
from alembic import context, op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

# Each table, and the columns its primary key gets after team_id (None: its key is an id, unchanged).
TABLES: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("preferences", ("user_id",)),
    ("processed_events", ("event_id",)),
    ("term_requests", None),
    ("request_votes", ("request_id", "user_id")),
    ("request_history", None),
    ("term_verifications", None),
    ("digest_leases", ("week",)),
    ("digest_deliveries", ("week", "user_id")),
    ("lookups", None),
    ("term_feedback", ("slug", "user_id")),
    ("pull_requests", None),
    ("outbox", None),
)
ID = sa.String(32)
CHILDREN = ("request_votes", "request_history")  # the tables whose foreign keys point at term_requests
ACTIVE_NEW = "kind = 'new' AND status IN ('open', 'drafting', 'in_review')"  # as in revision 0001
NO_TEAM = (
    "the state database holds rows from before teams (revision 0008) and no team to give them to: set SLACK_TEAM_ID"
    " to the team id of the workspace that installed the bot (T…, what Slack's auth.test reports; SLACK_ENTERPRISE_ID"
    " too for an Enterprise Grid workspace), or run `python -m bot db upgrade --team T…`"
)


def _installing_team() -> tuple[str, str | None] | None:
    """(team id, enterprise id) handed over by bot.state.migrations, or None."""
    team = context.config.attributes.get("team")
    return (team.id, team.enterprise_id) if team is not None else None


def _has_rows() -> bool:
    conn = op.get_bind()
    return any(conn.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first() for name, _ in TABLES)  # noqa: S608


def _one_active_request_per_term(*columns: str) -> None:
    where = sa.text(ACTIVE_NEW)
    op.create_index(
        "one_active_request_per_term",
        "term_requests",
        list(columns),
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


def _give_to_team(name: str, key: tuple[str, ...] | None, team: tuple[str, str | None] | None, sqlite: bool) -> None:
    with op.batch_alter_table(name) as batch:
        batch.add_column(sa.Column("team_id", ID, nullable=True))
        batch.add_column(sa.Column("enterprise_id", ID, nullable=True))
    if team is not None:
        stamp = sa.text(f"UPDATE {name} SET team_id = :team, enterprise_id = :org")  # noqa: S608
        op.execute(stamp.bindparams(team=team[0], org=team[1]))
    with op.batch_alter_table(name, recreate="always" if sqlite else "auto") as batch:
        batch.alter_column("team_id", existing_type=ID, nullable=False)
        if key is not None:
            if not sqlite:  # SQLite's first keys have no name; the copy takes the new key in their place
                batch.drop_constraint(f"{name}_pkey", type_="primary")
            batch.create_primary_key(f"{name}_pkey", ["team_id", *key])


def upgrade() -> None:
    team = _installing_team()
    if team is None and _has_rows():
        from bot.state.migrations import StateNeedsTeam

        raise StateNeedsTeam(NO_TEAM)
    sqlite = op.get_context().dialect.name == "sqlite"
    if sqlite:
        for child in CHILDREN:
            op.execute(f"CREATE TEMP TABLE keep_{child} AS SELECT * FROM {child}")  # noqa: S608
            op.execute(f"DELETE FROM {child}")  # noqa: S608
    # Dropped before term_requests is copied (a copy would rebuild it without its WHERE), made per team after.
    op.drop_index("one_active_request_per_term", table_name="term_requests")
    with warnings.catch_warnings():
        # SQLAlchemy warns that a copy's reflected key differs from its new one: that is the point of the copy.
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_.*' specifies columns")
        for name, key in TABLES:
            _give_to_team(name, key, team, sqlite)
    _one_active_request_per_term("team_id", "term_key")
    if sqlite:
        for child in CHILDREN:  # the copies' columns are the old ones, then team_id and enterprise_id
            back = sa.text(f"INSERT INTO {child} SELECT *, :team, :org FROM keep_{child}")  # noqa: S608
            op.execute(back.bindparams(team=team[0] if team else None, org=team[1] if team else None))
            op.execute(f"DROP TABLE keep_{child}")
    teams = op.create_table(
        "teams",
        sa.Column("team_id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    if team is not None:
        op.bulk_insert(
            teams, [{"team_id": team[0], "enterprise_id": team[1], "first_seen_at": dt.datetime.now(dt.UTC)}]
        )


def downgrade() -> None:
    """Back to one team's worth of keys: fails on a key two teams share (their rows cannot live in one table)."""
    recreate: Literal["always", "auto"] = "always" if op.get_context().dialect.name == "sqlite" else "auto"
    op.drop_table("teams")
    op.drop_index("one_active_request_per_term", table_name="term_requests")
    for name, key in TABLES:
        with op.batch_alter_table(name, recreate=recreate) as batch:
            if key is not None:
                batch.drop_constraint(f"{name}_pkey", type_="primary")
                batch.create_primary_key(f"{name}_pkey", list(key))
            batch.drop_column("enterprise_id")
            batch.drop_column("team_id")
    _one_active_request_per_term("term_key")
