"""Revision 0013: the outbox's landing columns (sent_channel, sent_ts) and echo deadline (echo_due), on both
engines. A database at 0008 with letters in it upgrades with every letter intact and no landing; the downgrade
takes the columns away again."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import inspect, text

from bot.state.migrations import alembic_config, current_revision
from bot.state.store import make_engine
from bot.state.team import Team

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
NEW = {"echo_due", "sent_channel", "sent_ts"}


def outbox_columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("outbox")}


def test_0013_adds_the_landing_to_every_letter_and_comes_off_again(state_url):
    engine = make_engine(state_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0008")
        conn.execute(
            text(
                "INSERT INTO outbox (kind, payload, status, attempts, unsure, due_at, last_error, created_at,"
                " updated_at) VALUES ('dm', '{\"user\": \"U1\"}', 'sending', 1, true, :t, '', :t, :t)"
            ),
            {"t": T0},
        )
    assert not NEW & outbox_columns(engine)

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn, Team("T0INSTALL")), "0013")  # 0009 gives the letter its team
    assert current_revision(engine) == "0013" and outbox_columns(engine) >= NEW
    with engine.connect() as conn:
        row = conn.execute(text("SELECT kind, status, unsure, sent_channel, sent_ts, echo_due FROM outbox")).one()
    assert (row.kind, row.status, bool(row.unsure)) == ("dm", "sending", True)
    assert (row.sent_channel, row.sent_ts, row.echo_due) == (None, None, None)  # unsure, and nothing known yet

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0012")
    assert not NEW & outbox_columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 1
    engine.dispose()
