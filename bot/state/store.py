"""The only code that touches the state database. A SQLite file by default, PostgreSQL by URL.

SQLite is set up for several threads and processes writing at once: WAL so readers never wait, a
generous busy timeout, and BEGIN IMMEDIATE so a transaction takes the write lock before it reads
(a deferred one that upgrades later fails at once with "database is locked" instead of waiting).

A durability choice, made here on purpose: `synchronous=NORMAL`, not FULL. In WAL mode a commit is then written to
the operating system but not waited onto the disk at each commit (the WAL is synced at checkpoints). A killed or
crashed process loses nothing it committed (tests/e2e/test_outbox_crash.py kills -9 mid-burst: every answer is
posted exactly once); a power cut or an operating-system crash can lose the last commits (a mention claimed and
its answer not yet sent, a preference just set), never corrupt the file. FULL waited about 5 ms per commit here,
three commits a mention, one write lock for all: a burst of 200 mentions answered at a p50 of 1.5 s, not 0.3 s
(issue 20). A deployment that must survive power cuts without losing a commit runs on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Executable, Table, create_engine, delete, event, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import IntegrityError

from ..term_requests.rules import check_person
from .migrations import prepare_on_start
from .schema import preferences, processed_events

EVENT_MEMORY = dt.timedelta(days=2)  # Slack retries within minutes; older event ids can go
PRUNE_EVERY = 1000  # claims between two clean-ups of old event ids, per process
SQLITE_BUSY_SECONDS = 30
EVENT_ID_LENGTH = 64  # processed_events.event_id's length
PG_CONNECT_SECONDS = 5  # an unreachable PostgreSQL fails a request (and /healthz) instead of hanging it


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Preference:
    framing: str | None = None
    role: str | None = None


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        connect_args = {"connect_timeout": PG_CONNECT_SECONDS} if url.startswith("postgresql") else {}
        return create_engine(url, pool_pre_ping=True, future=True, connect_args=connect_args)
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event below issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")  # see the module's docstring: process crashes lose nothing
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front; readers (WAL) never wait and never block a writer.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN")

    return engine


def event_key(event_id: str) -> str:
    """The id as stored: Slack's are about 11 characters, the column holds 64; a longer one (forged, or a
    future format) is stored as its SHA-256, so it still deduplicates instead of failing the insert."""
    if len(event_id) <= EVENT_ID_LENGTH:
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode("utf-8", "replace")).hexdigest()[: EVENT_ID_LENGTH - 7]


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        # SQLite upgrades its schema here; PostgreSQL raises StateSchemaBehind until `db upgrade` has run.
        prepare_on_start(self.engine)
        self._claims = 0

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error."""
        with self.engine.connect() as conn:
            conn.execution_options(writing=True)
            with conn.begin():
                yield conn

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # --- preferences -------------------------------------------------------------------------

    def preference(self, user_id: str) -> Preference:
        with self.engine.connect() as conn:
            row = conn.execute(select(preferences).where(preferences.c.user_id == user_id)).first()
        return Preference(row.framing, row.role) if row else Preference()

    def set_framing(self, user_id: str, framing: str | None) -> Preference:
        return self.save_preference(user_id, framing=framing)

    def set_role(self, user_id: str, role: str | None) -> Preference:
        return self.save_preference(user_id, role=role)

    def save_preference(self, user_id: str, **values: str | None) -> Preference:
        """Write some of a person's preferences; returns all of them as stored, read in the same transaction
        (what a cache writes through)."""
        check_person(user_id)  # an id the column cannot hold is refused here, not by the database mid-write
        changes: dict[str, object] = {**values, "updated_at": now()}
        with self.writing() as conn:
            conn.execute(self._upsert(preferences, ["user_id"], {"user_id": user_id, **changes}, changes))
            row = conn.execute(select(preferences).where(preferences.c.user_id == user_id)).one()
        return Preference(row.framing, row.role)

    def _upsert(self, table: Table, keys: list[str], row: dict[str, object], changes: dict[str, object]) -> Executable:
        # The two dialects spell "insert, or update on conflict" alike but in separate classes.
        if self.dialect == "postgresql":
            return postgresql.insert(table).values(row).on_conflict_do_update(index_elements=keys, set_=changes)
        return sqlite.insert(table).values(row).on_conflict_do_update(index_elements=keys, set_=changes)

    # --- processed events --------------------------------------------------------------------

    def ping(self) -> None:
        """A cheap round trip to the database; raises whatever the driver raises when it cannot answer."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def ping_write(self) -> None:
        """A write that leaves nothing behind: one probe row added and removed in one committed transaction.
        A read-only file, a full disk or a read-only replica fails here, where SELECT 1 would still answer."""
        probe = f"healthz:{uuid.uuid4().hex}"
        with self.writing() as conn:
            conn.execute(insert(processed_events).values(event_id=probe, received_at=now()))
            conn.execute(delete(processed_events).where(processed_events.c.event_id == probe))

    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen, by any instance, ever (within EVENT_MEMORY)."""
        event_id = event_key(event_id)
        self._claims += 1
        if self._claims % PRUNE_EVERY == 1:  # the first claim after start, then every thousandth
            self.forget_old_events()
        try:
            with self.writing() as conn:
                conn.execute(insert(processed_events).values(event_id=event_id, received_at=now()))
        except IntegrityError:
            return False
        return True

    def forget_old_events(self) -> int:
        with self.writing() as conn:
            result = conn.execute(delete(processed_events).where(processed_events.c.received_at < now() - EVENT_MEMORY))
        return result.rowcount
