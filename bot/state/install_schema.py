"""The OAuth install's tables in the state database (revision 0010; bot/slack/install), on schema.py's metadata."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from .metadata import metadata

# --- installations through OAuth (revision 0010; bot/slack/install) ------------------------------------

# slack_sdk's SQLAlchemy installation and OAuth state stores read and write these, with their own Table objects
# of the same names and columns (tests/test_install_store.py holds the two to each other). Created here and by
# the migration, never by the stores at run time. One difference, on purpose: the token columns are TEXT, since
# they hold Fernet ciphertext (bot/slack/install/sealed.py), several times longer than slack_sdk's 200 characters.


def _install_columns(*, user: bool) -> list[Column[Any]]:
    columns: list[Column[Any]] = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client_id", String(32), nullable=False),
        Column("app_id", String(32), nullable=False),
        Column("enterprise_id", String(32)),
        Column("enterprise_name", String(200)),
        *([Column("enterprise_url", String(200))] if user else []),
        Column("team_id", String(32)),
        Column("team_name", String(200)),
        Column("bot_token", Text),  # encrypted
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", Text),  # encrypted
        Column("bot_token_expires_at", DateTime),
    ]
    if user:
        columns += [
            Column("user_id", String(32), nullable=False),
            Column("user_token", Text),  # encrypted; always NULL here: installs are bot-only
            Column("user_scopes", String(1000)),
            Column("user_refresh_token", Text),  # encrypted
            Column("user_token_expires_at", DateTime),
            Column("incoming_webhook_url", String(200)),
            Column("incoming_webhook_channel", String(200)),
            Column("incoming_webhook_channel_id", String(200)),
            Column("incoming_webhook_configuration_url", String(200)),
        ]
    columns += [Column("is_enterprise_install", Boolean, nullable=False)]
    if user:
        columns += [Column("token_type", String(32))]
    return [*columns, Column("installed_at", DateTime, nullable=False)]


slack_installations = Table(
    "slack_installations",
    metadata,
    *_install_columns(user=True),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)
slack_bots = Table(
    "slack_bots",
    metadata,
    *_install_columns(user=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)
# The install page's `state`, checked once at the redirect (with Bolt's cookie): a forged redirect finds none.
slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
