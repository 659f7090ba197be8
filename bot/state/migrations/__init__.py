"""Schema migrations for the state database: Alembic, driven from Python so they run from an installed package.

The revisions in versions/ are the history of the schema in bot/state/schema.py: the first is the first
release's schema, and every change after it is a new revision (tests/test_state_migrations.py checks that the
newest revision and schema.py describe the same tables). The first release created its tables without Alembic;
such a database has every table and no version, so it is stamped at the first revision, never recreated.

Every upgrade runs in one transaction that holds a lock, so instances starting together take turns and the
later ones find nothing to do: BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL.

Alembic itself is imported only when a database is not at HEAD: a start with an up-to-date database reads
one row, and each serving process is spared Alembic's import (about 12 MB resident and 0.1 s).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from ..team import Team

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

SCRIPTS = Path(__file__).resolve().parent
FIRST_REVISION = "0001"
HEAD = "0013"  # the newest revision in versions/ (tests/test_state_migrations.py holds it to Alembic's head)
# What the first release's create_all made, named here once: a later rename must not make old databases unknown.
FIRST_RELEASE_TABLES = frozenset(
    {"preferences", "processed_events", "term_requests", "request_votes", "request_history"}
)
UPGRADE_HINT = "run `python -m bot db upgrade`"
_POSTGRES_LOCK = 0x676C6F73  # any fixed number; "glos": every instance of the bot asks for the same lock


class StateSchemaError(RuntimeError):
    """The state database's schema does not fit this release. The message is one line that names the fix."""


class StateNeedsTeam(StateSchemaError):
    """Revision 0009 found rows made before teams and was given no team to give them to (SLACK_TEAM_ID)."""


class StateSchemaBehind(StateSchemaError):
    """A PostgreSQL state database that needs `python -m bot db upgrade` before this release can start."""


@dataclass(frozen=True)
class Found:
    """What a state database holds before an upgrade."""

    revision: str | None  # None: no version recorded
    first_release: bool = False  # the first release's tables, made before migrations, with no version
    empty: bool = False  # none of the bot's tables: a brand-new database

    def describe(self) -> str:
        if self.revision:
            return f"revision {self.revision}"
        return "the first release's schema (no version)" if self.first_release else "empty"


@dataclass(frozen=True)
class Upgrade:
    before: Found
    after: str

    @property
    def changed(self) -> bool:
        return self.before.revision != self.after


def alembic_config(connection: Connection | None = None, team: Team | None = None) -> Config:
    """Alembic's settings, built here instead of read from an alembic.ini, so an installed package carries them."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    # r0001_first_release.py: a file name that is also a valid module name, for the type checker.
    config.set_main_option("file_template", "r%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    # The team that installed the bot : revision 0009 gives it every row made before teams.
    config.attributes["team"] = team
    return config


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    newest = scripts().get_current_head()
    if newest is None:  # only if versions/ were emptied: a packaging fault, not a database one
        raise StateSchemaError(f"no schema revisions found in {SCRIPTS / 'versions'}")
    return newest


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, team: Team | None = None) -> Upgrade:
    """Apply every pending revision (stamping a first-release database first). Safe to run twice, or at once.
    `team`: the installing team, which rows made before revision 0009 are given to."""
    with _locked(engine) as conn:
        found = _inspect(conn)
        if found.revision != head():
            _apply(conn, found, team)
        return Upgrade(found, head())


def prepare_on_start(engine: Engine, team: Team | None = None) -> None:
    """A starting bot's check. SQLite upgrades itself: the file belongs to this instance. PostgreSQL may be
    shared by instances of older and newer releases, so a database that is behind waits for an explicit
    `db upgrade` (the Procfile's release step); a brand-new one has nothing to lose and is created here."""
    with _locked(engine) as conn:
        if _recorded(conn) == [HEAD]:
            return  # the usual start: nothing to do, and no need to import Alembic to know it
        found = _inspect(conn)
        if found.revision == head():
            return
        if engine.dialect.name == "sqlite" or found.empty:
            _apply(conn, found, team)
            return
        raise StateSchemaBehind(
            f"the state database is behind this release ({found.describe()}, needs revision {head()}): {UPGRADE_HINT}"
        )


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.execution_options(writing=True)  # SQLite: BEGIN IMMEDIATE (see bot/state/store.py)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK})
            yield conn


def _recorded(conn: Connection) -> list[str]:
    """The revisions Alembic's version table records (one, normally), read without Alembic."""
    if not inspect(conn).has_table("alembic_version"):
        return []
    return [str(v) for v in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()]


def _inspect(conn: Connection) -> Found:
    from alembic.runtime.migration import MigrationContext
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is not None:
        try:
            scripts().get_revision(revision)
        except (CommandError, RevisionError):
            raise StateSchemaError(
                f"the state database is at revision {revision}, which this release does not know: "
                "a newer release has upgraded it; run that release or a newer one"
            ) from None
        return Found(revision)
    ours = FIRST_RELEASE_TABLES & set(inspect(conn).get_table_names())
    if ours == FIRST_RELEASE_TABLES:
        return Found(None, first_release=True)
    if ours:
        raise StateSchemaError(
            f"the state database has only some of the first release's tables ({', '.join(sorted(ours))}) "
            "and no version; restore it from a backup"
        )
    return Found(None, empty=True)


def _apply(conn: Connection, found: Found, team: Team | None = None) -> None:
    from alembic import command

    config = alembic_config(conn, team)
    if found.first_release:
        log.warning("state database made by the first release: recording it as revision %s", FIRST_REVISION)
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, "head")
    log.info("state database upgraded from %s to revision %s", found.describe(), head())
