"""Revision 0011 (settings per workspace) on SQLite and PostgreSQL: it adds the team_settings table to a 0008
database without touching what is there, a saved row reads back, and a downgrade takes the table away again."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import inspect, text

from bot.state.migrations import alembic_config
from bot.state.store import make_engine
from bot.state.team import Team

NOW = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


def test_0011_adds_team_settings_keeps_rows_and_goes_back(state_url):
    engine = make_engine(state_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0008")
        conn.execute(
            text("INSERT INTO preferences (user_id, framing, role, updated_at) VALUES ('U1', 'exec', NULL, :t)"),
            {"t": NOW},
        )
        assert "team_settings" not in inspect(conn).get_table_names()
        command.upgrade(alembic_config(conn, Team("T0INSTALL")), "0011")  # 0009 gives the rows their team
        columns = {c["name"] for c in inspect(conn).get_columns("team_settings")}
        assert columns == {
            "team_id",
            "enterprise_id",
            "requests_channel",
            "reviewers",
            "digest_day",
            "channel_domains",
            "updated_by",
            "updated_at",
        }
        assert inspect(conn).get_pk_constraint("team_settings")["constrained_columns"] == ["team_id"]
        conn.execute(
            text("INSERT INTO team_settings (team_id, updated_by, updated_at) VALUES ('T1', 'U1', :t)"), {"t": NOW}
        )
        row = conn.execute(text("SELECT enterprise_id, requests_channel FROM team_settings")).one()
        assert tuple(row) == ("", None)  # nothing set: the environment's values apply
        assert conn.execute(text("SELECT framing FROM preferences WHERE user_id = 'U1'")).scalar_one() == "exec"
        command.downgrade(alembic_config(conn), "0009")
        assert "team_settings" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM preferences")).scalar_one() == 1
    engine.dispose()
