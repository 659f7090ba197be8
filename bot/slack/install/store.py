"""slack_sdk's SQLAlchemy installation store, wrapped: tokens are sealed on their way in and opened on their way
out; finding, ordering and deleting stay slack_sdk's. Its tables are ours (bot/state/schema.py, revision 0010).

Enterprise Grid: an org-wide install is stored with the org's enterprise id and no team id, and slack_sdk finds
it for any workspace of the org when Bolt says the request came through an org-wide install.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from sqlalchemy import Engine, select, update

from ...state.install_schema import slack_bots, slack_installations
from .sealed import Sealer

log = logging.getLogger(__name__)
BOT_SECRETS = ("bot_token", "bot_refresh_token")
SECRETS = (*BOT_SECRETS, "user_token", "user_refresh_token")
Found = TypeVar("Found", Bot, Installation)


class SealedInstallationStore(InstallationStore):
    def __init__(self, client_id: str, engine: Engine, sealer: Sealer):
        # Imported here: it imports SQLAlchemy's asyncio module (and so greenlet), which a single-token bot never needs.
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

        # Two views of one store: reads, and writes that take SQLite's write lock up front (bot/state/store.py: a
        # deferred transaction that upgrades to a write fails at once with "database is locked" when another
        # process wrote in between). PostgreSQL ignores the option.
        self.inner = SQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)
        self.writer = SQLAlchemyInstallationStore(client_id=client_id, engine=writing(engine), logger=log)
        self.sealer = sealer

    @property
    def logger(self) -> logging.Logger:
        return log

    def save(self, installation: Installation) -> None:
        self.writer.save(self._sealed(installation, SECRETS))

    def save_bot(self, bot: Bot) -> None:
        self.writer.save_bot(self._sealed(bot, BOT_SECRETS))

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        found = self.inner.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return self._opened(found, BOT_SECRETS)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.inner.find_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, is_enterprise_install=is_enterprise_install
        )
        return self._opened(found, SECRETS)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.writer.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.writer.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def _sealed(self, found: Found, fields: tuple[str, ...]) -> Found:
        sealed = copy.copy(found)  # Bolt keeps using the object it saved: its tokens stay readable
        for name in fields:
            setattr(sealed, name, self.sealer.seal(getattr(found, name)))
        return sealed

    def _opened(self, found: Found | None, fields: tuple[str, ...]) -> Found | None:
        if found is not None:
            for name in fields:
                setattr(found, name, self.sealer.open(getattr(found, name)))
        return found


def writing(engine: Engine) -> Engine:
    """The same engine and pool, every transaction a writing one (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(writing=True)


def reseal(engine: Engine, sealer: Sealer) -> int:
    """Every stored token opened, and sealed again with the newest key where an older one sealed it: how many
    rows changed. At each start, so a rotated key is off every row after one start. KeyRefused when a token
    opens with no key: the start stops there with its line, before a request finds garbage."""
    changed = 0
    with writing(engine).begin() as conn:
        for table, fields in ((slack_installations, SECRETS), (slack_bots, BOT_SECRETS)):
            rows = conn.execute(select(table.c.id, *(table.c[name] for name in fields))).all()
            for row in rows:
                values: dict[str, Any] = {}
                for name in fields:
                    sealed = getattr(row, name)
                    if sealed is not None and not sealer.is_newest(sealed):
                        values[name] = sealer.reseal(sealed)
                if values:
                    conn.execute(update(table).where(table.c.id == row.id).values(**values))
                    changed += 1
    return changed
