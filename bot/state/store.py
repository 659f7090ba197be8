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

import copy
import datetime as dt
import hashlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, Executable, Table, create_engine, delete, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..term_requests.rules import check_person
from .group_commit import GroupCommit
from .migrations import prepare_on_start
from .schema import preferences, processed_events, teams
from .team import LOCAL, Team, TeamUnknown

EVENT_MEMORY = dt.timedelta(days=2)  # Slack retries within minutes; older event ids can go
PRUNE_EVERY = 1000  # claims between two clean-ups of old event ids, per process
SQLITE_BUSY_SECONDS = 30
WRITE_TURN_SECONDS = SQLITE_BUSY_SECONDS  # at most this long for a turn (writing()), then SQLite's own wait
EVENT_ID_LENGTH = 64  # processed_events.event_id's length
# A claim: the id stored, or nothing and no row back when it was stored before (rather than an error, which
# would fail a transaction shared with other writes; RETURNING, as psycopg gives -1 for this row count).
_NEW_EVENT_ONCE = {
    "sqlite": sqlite.insert(processed_events).on_conflict_do_nothing().returning(processed_events.c.event_id),
    "postgresql": postgresql.insert(processed_events).on_conflict_do_nothing().returning(processed_events.c.event_id),
}
T = TypeVar("T")
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
        _into_wal(cur)
        cur.execute("PRAGMA synchronous=NORMAL")  # see the module's docstring: process crashes lose nothing
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front; readers (WAL) never wait and never block a writer.
        statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN"
        # Straight to the driver: SQLAlchemy's execution path (its events, an execution context) cost a third of
        # an empty write transaction, inside the write turn every answer to a mention waits for (writing()).
        # A failure still reads as SQLAlchemy's own (OperationalError for "database is locked").
        driver = conn.connection.driver_connection
        if driver is None:  # not expected of a checked-out connection; SQLAlchemy's path then
            conn.exec_driver_sql(statement)
            return
        try:
            driver.execute(statement)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc

    return engine


def _into_wal(cur: DBAPICursor) -> None:
    """Switch the file to WAL (it stays so: later connections find it done). The switch of a brand-new file takes
    an exclusive lock that SQLite's busy timeout does not wait for: instances (gunicorn workers, threads) opening
    a new file together got "database is locked" at once, so this waits its turn as the busy timeout would."""
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def event_key(event_id: str) -> str:
    """The id as stored: Slack's are about 11 characters, the column holds 64; a longer one (forged, or a
    future format) is stored as its SHA-256, so it still deduplicates instead of failing the insert."""
    if len(event_id) <= EVENT_ID_LENGTH:
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode("utf-8", "replace")).hexdigest()[: EVENT_ID_LENGTH - 7]


class Store:
    """The state database, seen by one team. `Store(url, team)` is the home team's view (team None: the one team
    the database knows, see `team`); `for_team` gives another team's view of the same engine, and every query
    made through a view (here and in the books built on it) reads and writes that team's rows only."""

    def __init__(self, url: str, team: Team | None = None):
        self.url = url
        self.engine = make_engine(url)
        # Shared by every team's view (for_team copies it): one turn per database file in this process.
        self._write_turn = threading.RLock() if self.engine.dialect.name == "sqlite" else None
        self._together = GroupCommit(self.writing)  # shared too: writes queued behind the turn share a commit
        # SQLite upgrades its schema here; PostgreSQL raises StateSchemaBehind until `db upgrade` has run.
        # `team` is also the installing team that revision 0009 gives the rows made before teams to.
        prepare_on_start(self.engine, team)
        self._claims = 0
        self._team = team
        self._seen: set[str] = set()  # teams recorded in `teams` by this process (shared by every view)
        self._seen_lock = threading.Lock()
        self._home: Team | TeamUnknown = LOCAL
        if team is not None:
            self.note_team(team)
        else:
            self._home = self._read_home()  # read once here, never inside a caller's transaction

    def for_team(self, team: Team) -> Store:
        """This store seen by `team`: same engine, that team's rows. Costs nothing: no query, no write."""
        view = copy.copy(self)
        view._team = team
        view._claims = 0
        return view

    @property
    def bound(self) -> Team | None:
        """The team this view was made for or opened with (SLACK_TEAM_ID), or None: the one the database knows."""
        return self._team

    @property
    def team(self) -> Team:
        """The team this view reads and writes: the one it is bound to, or else the home team, which is the one
        team the database knows (LOCAL while it knows none), as read at the start and after each note_team.
        Raises TeamUnknown when it knows several: the caller must say which (SLACK_TEAM_ID)."""
        if self._team is not None:
            return self._team
        if isinstance(self._home, TeamUnknown):
            raise self._home
        return self._home

    def _read_home(self) -> Team | TeamUnknown:
        with self.engine.connect() as conn:
            known = conn.execute(select(teams.c.team_id, teams.c.enterprise_id).limit(5)).all()
        if len(known) > 1:
            names = ", ".join(r.team_id for r in known)
            return TeamUnknown(f"the state database serves several teams ({names}): set SLACK_TEAM_ID to the one meant")
        return Team(known[0].team_id, known[0].enterprise_id) if known else LOCAL

    def known_teams(self) -> list[Team]:
        """Every team whose rows this database holds (each recorded the first time it was seen)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(teams.c.team_id, teams.c.enterprise_id).order_by(teams.c.team_id)).all()
        return [Team(r.team_id, r.enterprise_id) for r in rows]

    def note_team(self, team: Team) -> None:
        """Record that this database serves `team` (once per process; never inside a transaction): the home team of
        an unbound store, and one of the teams that work for every team goes through (known_teams)."""
        if team.id in self._seen:
            return
        row = {**team.row(), "first_seen_at": now()}
        try:
            with self.writing() as conn:
                # Seen before (by another process, or before its org was known): one row, its org brought up to date.
                known = update(teams).where(teams.c.team_id == team.id).values(enterprise_id=team.enterprise_id)
                if not conn.execute(known).rowcount:
                    conn.execute(insert(teams).values(row))
        except IntegrityError:
            pass  # another process recorded it between the two statements: recorded all the same
        with self._seen_lock:
            self._seen.add(team.id)
        if self._team is None:
            self._home = self._read_home()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error.

        On SQLite the threads of this process take turns here first. SQLite has one write lock per file, and a
        thread that finds it taken sleeps in its busy handler, backing off to 100 ms a try, however soon the lock
        is free again. A burst of mentions makes four writes each (an event claim, a letter, its sending, a logged
        lookup), and those sleeps stretched its slowest answers: a burst of 200 had a p99 of 1.0-1.35 s before the
        turns and 0.80-0.97 s with them (README "Performance"). Waiting on a lock here wakes the next thread the
        moment the last one commits. Other processes still meet at SQLite's lock, as before, and a turn not had
        within WRITE_TURN_SECONDS goes on to SQLite's own wait rather than waiting for ever."""
        turn = self._write_turn
        mine = turn is not None and turn.acquire(timeout=WRITE_TURN_SECONDS)
        try:
            with self.engine.connect() as conn:
                conn.execution_options(writing=True)
                with conn.begin():
                    yield conn
        finally:
            if turn is not None and mine:
                turn.release()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # --- preferences -------------------------------------------------------------------------

    def preference(self, user_id: str) -> Preference:
        mine = self.team.owns(preferences)
        with self.engine.connect() as conn:
            row = conn.execute(select(preferences).where(mine, preferences.c.user_id == user_id)).first()
        return Preference(row.framing, row.role) if row else Preference()

    def preferences_since(self, since: dt.datetime | None) -> tuple[list[tuple[str, Preference, dt.datetime]], int]:
        """This team's preferences written at or after `since` (all of them when None), each with its
        updated_at as the database holds it, and how many the team has in all: what an in-process copy of every
        preference (state/preference_copy.py) catches up from, and how it notices rows deleted under it."""
        mine = self.team.owns(preferences)
        query = select(preferences.c.user_id, preferences.c.framing, preferences.c.role, preferences.c.updated_at)
        query = query.where(mine) if since is None else query.where(mine, preferences.c.updated_at >= since)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            count = conn.execute(select(func.count()).select_from(preferences).where(mine)).scalar_one()
        return [(r.user_id, Preference(r.framing, r.role), r.updated_at) for r in rows], int(count)

    def set_framing(self, user_id: str, framing: str | None) -> Preference:
        return self.save_preference(user_id, framing=framing)

    def set_role(self, user_id: str, role: str | None) -> Preference:
        return self.save_preference(user_id, role=role)

    def save_preference(self, user_id: str, **values: str | None) -> Preference:
        """Write some of a person's preferences; returns all of them as stored, read in the same transaction
        (what a cache writes through)."""
        check_person(user_id)  # an id the column cannot hold is refused here, not by the database mid-write
        changes: dict[str, object] = {**values, "updated_at": now()}
        team = self.team
        row_values = {**team.row(), "user_id": user_id, **changes}
        with self.writing() as conn:
            conn.execute(self._upsert(preferences, ["team_id", "user_id"], row_values, changes))
            row = conn.execute(
                select(preferences).where(team.owns(preferences), preferences.c.user_id == user_id)
            ).one()
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
            conn.execute(insert(processed_events).values(event_id=probe, received_at=now(), team_id="healthz"))
            conn.execute(delete(processed_events).where(processed_events.c.event_id == probe))

    def claim_event(self, event_id: str) -> bool:
        """True the first time this team's event id is seen, by any instance, ever (within EVENT_MEMORY).
        Claims made while another write waits for the write turn share its commit (together())."""
        event_id = event_key(event_id)
        team = self.team
        self._claims += 1
        if self._claims % PRUNE_EVERY == 1:  # the first claim after start, then every thousandth
            self.forget_old_events()
        claim = _NEW_EVENT_ONCE[self.dialect]
        values = {"event_id": event_id, "received_at": now(), **team.row()}
        return self.together(lambda conn: conn.execute(claim, values).first() is not None)

    def together(self, work: Callable[[Connection], T]) -> T:
        """`work` (database statements only) in a write transaction, shared with the writes that queued behind the
        same turn (group_commit.py); its result once committed."""
        return self._together.run(work)

    def forget_old_events(self) -> int:
        """Every team's old event ids: Slack retries within minutes, whoever's event it was."""
        with self.writing() as conn:
            result = conn.execute(delete(processed_events).where(processed_events.c.received_at < now() - EVENT_MEMORY))
        return result.rowcount
