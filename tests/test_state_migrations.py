"""Schema migrations: a state database made by the first release upgrades with every row intact, the newest
revision matches bot/state/schema.py, and a start upgrades SQLite but refuses a PostgreSQL database that is behind.

The first release's DDL is frozen here as text (what its `metadata.create_all` emitted), never read from the live
schema, which will change."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Boolean, Connection, DateTime, Engine, bindparam, text
from sqlalchemy.exc import IntegrityError

from bot.state.migrations import (
    FIRST_REVISION,
    HEAD,
    UPGRADE_HINT,
    StateSchemaBehind,
    StateSchemaError,
    alembic_config,
    current_revision,
    head,
    prepare_on_start,
    upgrade,
)
from bot.state.schema import metadata
from bot.state.store import Store, make_engine
from bot.state.team import Team
from bot.term_requests.book import RequestBook
from bot.term_requests.rules import RequestForm

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("preferences", "processed_events", "term_requests", "request_votes", "request_history")
# The workspace that installed the bot: revision 0009 gives it every row made before teams.
INSTALLER = Team("T0INSTALL")

# The first release's schema. {ts} and {serial} are the only words the two dialects spelled differently.
FIRST_RELEASE_DDL = """
CREATE TABLE preferences (
    user_id VARCHAR(32) NOT NULL, framing VARCHAR(16), role VARCHAR(32), updated_at {ts} NOT NULL,
    PRIMARY KEY (user_id)
);
CREATE TABLE processed_events (
    event_id VARCHAR(64) NOT NULL, received_at {ts} NOT NULL, PRIMARY KEY (event_id)
);
CREATE INDEX ix_processed_events_received_at ON processed_events (received_at);
CREATE TABLE term_requests (
    id {serial} NOT NULL, kind VARCHAR(16) NOT NULL, term TEXT NOT NULL, term_key TEXT NOT NULL,
    aliases TEXT NOT NULL, seen_where TEXT NOT NULL, why TEXT NOT NULL, audiences TEXT NOT NULL,
    urgency VARCHAR(16) NOT NULL, links TEXT NOT NULL, requester VARCHAR(32) NOT NULL, anonymous BOOLEAN NOT NULL,
    status VARCHAR(16) NOT NULL, votes INTEGER NOT NULL, reviewer VARCHAR(32), resolution TEXT NOT NULL,
    linked_slug TEXT, duplicate_of INTEGER, channel_id VARCHAR(32), message_ts VARCHAR(32),
    created_at {ts} NOT NULL, updated_at {ts} NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX one_active_request_per_term ON term_requests (term_key)
    WHERE kind = 'new' AND status IN ('open', 'drafting', 'in_review');
CREATE TABLE request_history (
    id {serial} NOT NULL, request_id INTEGER NOT NULL, actor VARCHAR(32) NOT NULL, action VARCHAR(32) NOT NULL,
    from_status VARCHAR(16), to_status VARCHAR(16), note TEXT NOT NULL, at {ts} NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(request_id) REFERENCES term_requests (id)
);
CREATE INDEX ix_request_history_request_id ON request_history (request_id);
CREATE TABLE request_votes (
    request_id INTEGER NOT NULL, user_id VARCHAR(32) NOT NULL, created_at {ts} NOT NULL,
    PRIMARY KEY (request_id, user_id),
    FOREIGN KEY(request_id) REFERENCES term_requests (id)
);
"""
SPELLING = {
    "sqlite": {"ts": "DATETIME", "serial": "INTEGER"},
    "postgresql": {"ts": "TIMESTAMP WITH TIME ZONE", "serial": "SERIAL"},
}
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)  # recent: event ids are kept 2 days
ROWS = [
    (
        "INSERT INTO preferences VALUES ('U1', 'exec', 'legal', :t), ('U2', NULL, 'engineering', :t)",
        {},
    ),
    ("INSERT INTO processed_events VALUES ('Ev1', :t), ('Ev2', :t)", {}),
    (
        "INSERT INTO term_requests (kind, term, term_key, aliases, seen_where, why, audiences, urgency, links,"
        " requester, anonymous, status, votes, reviewer, resolution, linked_slug, duplicate_of, channel_id,"
        " message_ts, created_at, updated_at) VALUES"
        " ('new', 'Agentic RAG', :key, 'ARAG', 'standup', 'nobody knows', 'exec,engineer', 'soon',"
        "  'https://example.com/a', 'U1', :no, 'in_review', 2, 'U3', '', NULL, NULL, 'C1', '1.2', :t, :t),"
        " ('change', 'RAG', 'rag', '', '', 'out of date', '', '', '', 'U2', :yes, 'published', 1, NULL,"
        "  'fixed', 'rag', NULL, NULL, NULL, :t, :t)",
        {"key": RequestForm(term="Agentic RAG", why="x").key},
    ),
    ("INSERT INTO request_votes VALUES (1, 'U1', :t), (1, 'U2', :t), (2, 'U2', :t)", {}),
    (
        "INSERT INTO request_history (request_id, actor, action, from_status, to_status, note, at) VALUES"
        " (1, 'U1', 'filed', NULL, 'open', 'new', :t), (1, 'U2', 'voted', NULL, NULL, '', :t),"
        " (1, 'U3', 'moved', 'open', 'in_review', '', :t), (2, 'U2', 'filed', NULL, 'open', 'change', :t),"
        " (2, 'U3', 'moved', 'open', 'published', 'fixed', :t)",
        {},
    ),
]


def make_first_release(url: str) -> Engine:
    """A state database exactly as the first release left it: its tables, a row in each, no version."""
    engine = make_engine(url)
    with engine.begin() as conn:
        ddl = FIRST_RELEASE_DDL.format(**SPELLING[conn.dialect.name])
        for statement in filter(str.strip, ddl.split(";")):
            conn.exec_driver_sql(statement)
        for sql, params in ROWS:
            # Typed parameters, so values are stored the way the first release's SQLAlchemy stored them.
            stmt = text(sql).bindparams(
                *(bindparam(n, type_=Boolean()) for n in ("no", "yes") if f":{n}" in sql),
                bindparam("t", type_=DateTime(timezone=True)),
            )
            conn.execute(stmt, {"t": T0, "no": False, "yes": True, **params})
    return engine


def every_row(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}


def owned_by(rows: dict[str, list[tuple]], team: Team) -> dict[str, list[tuple]]:
    """The rows as revision 0009 leaves them: each as it was, then its team and org (the last two columns)."""
    return {t: [(*r, team.id, team.enterprise_id) for r in found] for t, found in rows.items()}


def schema_of(conn: Connection) -> set[tuple]:
    """Every column, constraint and index of the bot's tables, as the database itself describes them."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%alembic%'")
        # A table copied by a revision (SQLite's only way to change a key) is renamed, and SQLite quotes the name.
        return {
            (kind, name, " ".join(sql.replace(f'"{name}"', name).split()) if sql else None) for kind, name, sql in rows
        }
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    columns = conn.exec_driver_sql(
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name != 'alembic_version'"
    )
    indexes = conn.exec_driver_sql(
        "SELECT 'index', indexname, replace(indexdef, %(s)s, '') FROM pg_indexes"
        " WHERE schemaname = current_schema() AND tablename != 'alembic_version'",
        {"s": f"{schema}."},
    )
    constraints = conn.exec_driver_sql(
        "SELECT 'constraint', conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " JOIN pg_class t ON t.oid = c.conrelid"
        " WHERE c.connamespace = current_schema()::regnamespace AND t.relname != 'alembic_version'"
    )
    return {tuple(r) for r in [*columns, *indexes, *constraints]}


def drop_everything(conn: Connection) -> None:
    for table in reversed((*TABLES, "alembic_version")):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


# --- (a) the first release's database upgrades with every row intact ---------------------------------------


def test_a_first_release_database_upgrades_with_every_row_intact(state_url):
    engine = make_first_release(state_url)
    before = every_row(engine)
    assert all(before[t] for t in TABLES)  # a row in every table, or the test proves nothing

    done = upgrade(engine, INSTALLER)

    assert done.before.first_release and done.after == head() and current_revision(engine) == head()
    assert every_row(engine) == owned_by(before, INSTALLER)
    store = Store(state_url)  # no team given: the one the database knows, the installer's
    assert (store.preference("U1").framing, store.preference("U1").role) == ("exec", "legal")
    assert store.claim_event("Ev1") is False  # processed event ids still count
    book = RequestBook(store)
    assert book.get(1).voters == ("U1", "U2") and len(book.history(1)) == 3
    filed = book.file(RequestForm(term="Agentic RAG", why="me too"), "U9")
    assert filed.voted and filed.request.id == 1 and filed.request.votes == 3  # still one active request per term
    assert book.file(RequestForm(term="Evals", why="new"), "U9").request.id == 3  # ids carry on after the old rows
    store.close()
    engine.dispose()


def test_the_one_active_request_per_term_index_survives_the_upgrade_per_team(state_url):
    engine = make_first_release(state_url)
    upgrade(engine, INSTALLER)
    insert = text(
        "INSERT INTO term_requests (kind, term, term_key, aliases, seen_where, why, audiences, urgency, links,"
        " requester, anonymous, status, votes, resolution, created_at, updated_at, team_id)"
        " VALUES ('new', 'x', :key, '', '', '', '', '', '', 'U1', false, :status, 0, '', :t, :t, :team)"
    ).bindparams(bindparam("t", type_=DateTime(timezone=True)))
    key = RequestForm(term="Agentic RAG", why="x").key
    with engine.begin() as conn:
        conn.execute(insert, {"key": key, "status": "declined", "t": T0, "team": INSTALLER.id})  # inactive: repeats
        conn.execute(insert, {"key": key, "status": "open", "t": T0, "team": "T0OTHER"})  # another team's own
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"key": key, "status": "open", "t": T0, "team": INSTALLER.id})  # its old row is active
    engine.dispose()


def test_a_first_release_database_is_stamped_never_recreated(state_url):
    engine = make_first_release(state_url)
    with engine.begin() as conn:  # a table the migrations know nothing of shows whether anything was dropped
        conn.exec_driver_sql("CREATE TABLE keepsake (note TEXT)")
        conn.exec_driver_sql("INSERT INTO keepsake VALUES ('still here')")
    upgrade(engine, INSTALLER)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT note FROM keepsake").scalar_one() == "still here"
    engine.dispose()


# --- (b) the migrations and bot/state/schema.py describe the same schema -------------------------------------


@pytest.mark.parametrize("start", ["empty", "first release"])
def test_b_after_upgrade_the_database_matches_the_live_schema(state_url, start):
    engine = make_first_release(state_url) if start == "first release" else make_engine(state_url)
    upgrade(engine, INSTALLER)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        migrated = schema_of(conn)
    # compare_metadata does not look at a partial index's predicate; the database's own description does.
    with engine.begin() as conn:
        drop_everything(conn)
        metadata.create_all(conn)
        assert schema_of(conn) == migrated
    engine.dispose()


def test_the_first_revision_is_exactly_the_first_release_schema(state_url):
    engine = make_first_release(state_url)
    with engine.begin() as conn:
        first_release = schema_of(conn)
        drop_everything(conn)
        command.upgrade(alembic_config(conn), FIRST_REVISION)
        assert schema_of(conn) == first_release
    engine.dispose()


# --- (c) on start: SQLite upgrades itself, PostgreSQL behind refuses -----------------------------------------


def test_c_sqlite_behind_upgrades_itself_on_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    engine = make_first_release(url)
    before = every_row(engine)
    store = Store(url, INSTALLER)  # SLACK_TEAM_ID, or the team auth.test named (bot/startup.py)
    assert current_revision(store.engine) == head()
    assert every_row(engine) == owned_by(before, INSTALLER)
    with store.engine.connect() as conn:  # the concurrency set-up is untouched by the upgrade
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()
    engine.dispose()


def test_c_postgresql_behind_refuses_to_start_with_one_line(postgres_url):
    engine = make_first_release(postgres_url)
    before = every_row(engine)
    with pytest.raises(StateSchemaBehind) as refused:
        Store(postgres_url)
    message = str(refused.value)
    assert UPGRADE_HINT in message and "python -m bot db upgrade" in message and "\n" not in message
    assert current_revision(engine) is None and every_row(engine) == before  # nothing touched
    upgrade(engine, INSTALLER)
    Store(postgres_url).close()  # and once upgraded, it starts
    engine.dispose()


def test_c_a_brand_new_postgresql_database_is_created_on_start(postgres_url):
    store = Store(postgres_url)
    assert current_revision(store.engine) == head()
    store.close()


def test_a_database_from_a_newer_release_is_refused(state_url):
    engine = make_engine(state_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed'")
    for attempt in (lambda: prepare_on_start(engine), lambda: upgrade(engine)):
        with pytest.raises(StateSchemaError, match="f00dfeed, which this release does not know"):
            attempt()
    engine.dispose()


def test_some_but_not_all_first_release_tables_are_refused(state_url):
    engine = make_first_release(state_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE request_votes")
    with pytest.raises(StateSchemaError, match="only some of the first release's tables"):
        upgrade(engine)
    engine.dispose()


def _at_once(action: Callable[[], object], instances: int = 6) -> list[str]:
    """`action` run by `instances` threads released together; every exception it raised, as repr."""
    errors: list[str] = []
    barrier = threading.Barrier(instances)

    def run() -> None:
        barrier.wait()
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(instances)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_instances_starting_at_once_on_a_new_database_take_turns(state_url):
    assert _at_once(lambda: Store(state_url).close()) == []
    engine = make_engine(state_url)
    assert current_revision(engine) == head()
    engine.dispose()


def _connect_once(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()


def test_a_new_sqlite_file_opened_at_once_by_many_is_switched_to_wal_without_a_locked_error(tmp_path):
    # Switching a new file to WAL takes a lock SQLite's busy timeout does not wait for: about one start in twenty
    # failed with "database is locked" (CI). Many fresh files, so a race that is rare in one start shows here.
    for round_ in range(60):
        url = f"sqlite:///{tmp_path / f'state-{round_}.db'}"
        assert _at_once(lambda url=url: _connect_once(url)) == [], f"round {round_}"
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        engine.dispose()


# --- (d) the command line ----------------------------------------------------------------------------------


def _db(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SLACK_")}
    env.update(DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", *args], cwd=data_dir, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_d_db_upgrade_on_a_sqlite_data_dir_works_and_is_idempotent(tmp_path):
    data_dir = tmp_path
    engine = make_first_release(f"sqlite:///{data_dir / 'state.db'}")
    rows = every_row(engine)

    behind = _db(["current"], data_dir)
    assert behind.returncode == 1 and "behind" in behind.stdout
    first = _db(["upgrade", "--team", INSTALLER.id], data_dir)
    assert first.returncode == 0, first.stderr
    assert f"to revision {head()}" in first.stdout and "first release" in first.stdout
    with engine.connect() as conn:
        schema = schema_of(conn)
    second = _db(["upgrade"], data_dir)
    assert second.returncode == 0, second.stderr
    assert f"up to date (revision {head()})" in second.stdout
    with engine.connect() as conn:
        assert schema_of(conn) == schema
    assert every_row(engine) == owned_by(rows, INSTALLER) and current_revision(engine) == head()
    now_current = _db(["current"], data_dir)
    assert now_current.returncode == 0 and f"revision {head()}: up to date" in now_current.stdout
    engine.dispose()


@pytest.mark.slow
def test_d_db_upgrade_says_one_line_when_the_database_is_from_a_newer_release(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'state.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed'")
    engine.dispose()
    result = _db(["upgrade"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("glossary-bot: the state database is at revision f00dfeed")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_migrations_run_from_the_package_without_an_ini_file():
    config = alembic_config()
    assert config.config_file_name is None
    assert Path(config.get_main_option("script_location") or "").is_relative_to(ROOT / "bot" / "state" / "migrations")
    assert not (ROOT / "alembic.ini").exists()


def test_head_names_the_newest_revision_alembic_knows():
    """HEAD lets a start with an up-to-date database skip Alembic: it must move with every new revision."""
    assert head() == HEAD


@pytest.mark.slow
def test_a_start_on_an_up_to_date_database_never_imports_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    Store(url).close()  # created and upgraded: this one needs Alembic
    probe = (
        "import sys\n"
        "from bot.state.store import Store\n"
        f"Store({url!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- (e) revision 0009: every row of a 0008 database goes to the installing team -----------------------------

# One row in every table revision 0008 has, in its columns of then.
ROWS_0008 = {
    "preferences": "('U1', 'exec', NULL, :t)",
    "processed_events": "('Ev1', :t)",
    "term_requests": "(1, 'new', 'RAG', 'rag', '', '', '', '', '', '', 'U1', :no, 'open', 1, NULL, '', NULL, NULL,"
    " NULL, NULL, :t, :t)",
    "request_votes": "(1, 'U1', :t)",
    "request_history": "(1, 1, 'U1', 'filed', NULL, 'open', '', :t)",
    "term_verifications": "(1, 'rag', 'U1', :t)",
    "digest_leases": "('2026-W49', 'one', :t, NULL)",
    "digest_deliveries": "('2026-W49', 'U1', :t)",
    "lookups": "(1, :t, 'slash', 'rag', 'hit', 'rag', 'name')",
    "term_feedback": "('rag', 'U1', :yes, :t)",
    "pull_requests": "('glossary/request-1', 'request', 1, 'queued', NULL, '', 'U1', :t, :t)",
    "outbox": "(1, 'dm', 1, '{}', 'pending', 0, :no, :t, NULL, NULL, '', :t, :t)",
    "mcp_clients": "('client', '{}', :t)",
    "mcp_grants": "('hash', 'access', 'grant', 'client', 'U1', 'T0INSTALL', 'define', NULL, '{}', :t, :t)",
}
TEAM_TABLES = [t for t in ROWS_0008 if not t.startswith("mcp_")]


def make_0008(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0008")
        for table, values in ROWS_0008.items():
            stmt = text(f"INSERT INTO {table} VALUES {values}").bindparams(
                *(bindparam(n, type_=Boolean()) for n in ("no", "yes") if f":{n}" in values),
                bindparam("t", type_=DateTime(timezone=True)),
            )
            conn.execute(stmt, {"t": T0, "no": False, "yes": True})
    return engine


def test_e_every_row_of_a_0008_database_goes_to_the_installing_team(state_url):
    engine = make_0008(state_url)
    org = Team("T0INSTALL", "E0ORG")

    upgrade(engine, org)

    with engine.connect() as conn:
        for table in TEAM_TABLES:
            owners = conn.exec_driver_sql(f"SELECT team_id, enterprise_id, count(*) FROM {table} GROUP BY 1, 2").all()
            assert [tuple(o) for o in owners] == [("T0INSTALL", "E0ORG", 1)], table
        assert conn.exec_driver_sql("SELECT team_id, enterprise_id FROM teams").all() == [("T0INSTALL", "E0ORG")]
        assert conn.exec_driver_sql("SELECT count(*) FROM mcp_grants").scalar_one() == 1  # kept, its team as it was
    store = Store(state_url)  # the home team is now the installer: the old rows read as before
    assert store.team == org and store.preference("U1").framing == "exec"
    assert RequestBook(store).get(1).voters == ("U1",) and not store.claim_event("Ev1")
    assert RequestBook(store.for_team(Team("T0OTHER"))).list() == []  # and no other team sees them
    store.close()
    engine.dispose()


def test_e_a_0008_database_with_rows_and_no_team_is_refused_in_one_line_and_left_as_it_was(state_url):
    engine = make_0008(state_url)
    with pytest.raises(StateSchemaError, match="set SLACK_TEAM_ID") as refused:
        upgrade(engine)
    assert "\n" not in str(refused.value) and current_revision(engine) == "0008"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM preferences").scalar_one() == 1
    upgrade(engine, Team("T0INSTALL"))  # given a team, it goes through
    assert current_revision(engine) == head()
    engine.dispose()


def test_e_an_empty_database_needs_no_team(state_url):
    engine = make_engine(state_url)
    assert upgrade(engine).after == head()  # nothing to give: no team asked for
    engine.dispose()
