"""Lookup analytics: what people looked up, from where, and whether the glossary had it. No personal data.

A row holds the normalised query, the outcome, the term shown, how it matched, the surface and the time:
never a user id, a channel id or any message text beyond the query (Slack mentions and pasted ids are
removed from it too, and emails, tokens, link query strings and long numbers
blanked by redact.py). Rows older than LOOKUP_RETENTION_DAYS are purged.

Recording never slows or fails an answer: `LookupWriter.put` only appends to an in-process queue, and one
background thread writes what has queued up in batches, purges old rows at most hourly, and logs a failing
database once per burst instead of once per lookup. Whatever is still queued is written at shutdown.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import queue
import re
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from ..glossary.names import normalise
from . import rollups
from .redact import redact
from .schema import lookup_rollups, lookups, term_requests
from .store import Store, now
from .team import LOCAL, Team

log = logging.getLogger(__name__)

QUERY_MAX = 200  # no glossary name is longer; the rest of a paste is not worth keeping
FOUND = ("hit", "comparison")  # outcomes that showed the asker a term
BATCH = 500  # rows per transaction
WRITE_CHUNK = 20  # rows per statement within it
QUEUE_MAX = 20_000  # beyond this the database is not keeping up: new rows are dropped, answers go on
PURGE_EVERY = 3600.0  # seconds between two purges of old rows
CLOSE_WAIT = 5.0  # seconds a shutdown waits for the queue to be written
# After the first row of a quiet spell, the writer waits this long for more: under load that is one commit
# for a few hundred lookups instead of one per answer (each commit costs the serving process CPU).
GATHER_SECONDS = 0.25

_SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")  # <@U…>, <#C…|name>, <!here>
_SLACK_ID = re.compile(r"\b[UWCDGT](?=[A-Z0-9]*\d)[A-Z0-9]{7,}\b")  # a user, channel or team id pasted as text


# The surfaces whose rows are terms found in a message by the scanner, not lookups someone made: the Explain
# shortcut, and the agent DM's "Explain the terms in this channel".
SCANNED = ("shortcut", "explain")


@dataclass(frozen=True)
class LookupRow:
    surface: str
    query: str
    outcome: str
    slug: str | None
    how: str
    at: dt.datetime
    team: Team | None = None  # whose lookup; None: the writing log's own team (its store's)


def _values(r: LookupRow, team: Team) -> dict[str, object]:
    return {
        **team.row(),
        "surface": r.surface,
        "query": clean_query(r.query),
        "outcome": r.outcome,
        "slug": r.slug,
        "how": r.how,
        "at": r.at,
    }


def clean_query(text: str) -> str:
    """What is stored of a query: normalised, with Slack mentions, pasted ids and anything shaped like a
    person's details or a secret (redact.py) removed, at most 200 characters."""
    if len(text) > QUERY_MAX * 4:
        # Cut at a space: half an email or half a token at the cut would no longer look like one.
        words = text[: QUERY_MAX * 4].rsplit(None, 1)
        text = words[0] if len(words) > 1 else ""
    text = redact(_SLACK_ID.sub(" ", _SLACK_MARKUP.sub(" ", text)))
    return " ".join(normalise(text).split())[:QUERY_MAX]


class LookupLog:
    """The lookups table: written in batches, read as counts over the last N days."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, rows: Sequence[LookupRow]) -> None:
        """In one transaction, a few rows at a time: this runs beside the request threads, and a few hundred
        rows cleaned and bound in one go held the GIL long enough to show in /define's p99 (17 ms with the
        analytics on, 11 ms off, at concurrency 8). Between chunks the thread steps aside."""
        if not rows:
            return
        # Asked once a batch, and only when a row came without its team (the home team may cost a query).
        team = self.store.team if any(r.team is None for r in rows) else LOCAL
        values = [_values(r, r.team or team) for r in rows]
        with self.store.writing() as conn:
            for start in range(0, len(values), WRITE_CHUNK):
                conn.execute(insert(lookups), values[start : start + WRITE_CHUNK])
                time.sleep(0)  # a waiting request thread takes the GIL now, not at the next 5 ms switch
            # The day's counts move in the same transaction: the rollups never disagree with the rows.
            rollups.add(conn, values)

    def purge(self, keep_days: int, *, at: dt.datetime | None = None) -> int:
        """Delete rows older than `keep_days`, every team's; returns how many went."""
        cutoff = (at or now()) - dt.timedelta(days=keep_days)
        with self.store.writing() as conn:
            # A day's counts go with the day's last row: the day the cutoff falls in is kept whole until then.
            conn.execute(delete(lookup_rollups).where(lookup_rollups.c.day < rollups.day_of(cutoff)))
            return conn.execute(delete(lookups).where(lookups.c.at < cutoff)).rowcount

    def counts(self, since: dt.datetime) -> dict[tuple[str, str], int]:
        """(surface, outcome) -> lookups since the start of `since`'s day (UTC), from the daily counts."""
        r = lookup_rollups
        query = (
            select(r.c.surface, r.c.outcome, func.sum(r.c.count))
            .where(self.store.team.owns(r), r.c.day >= rollups.day_of(since))
            .group_by(r.c.surface, r.c.outcome)
        )
        with self.store.engine.connect() as conn:
            return {(surface, outcome): int(n) for surface, outcome, n in conn.execute(query)}

    def counts_by_slug(self, since: dt.datetime) -> dict[str, int]:
        """slug -> lookups that showed that term since the start of `since`'s day, most first. Terms the Explain
        shortcut found in a message are left out: nobody looked them up, so they must not make a term "most
        looked up" or lead a starter pack."""
        r = lookup_rollups
        n = func.sum(r.c.count).label("n")
        query = (
            select(r.c.slug, n)
            .where(
                self.store.team.owns(r), r.c.day >= rollups.day_of(since), r.c.slug != "", r.c.surface.not_in(SCANNED)
            )
            .group_by(r.c.slug)
            .order_by(n.desc(), r.c.slug)
        )
        with self.store.engine.connect() as conn:
            return {slug: int(count) for slug, count in conn.execute(query)}

    def top_misses(self, since: dt.datetime, limit: int) -> list[tuple[str, int]]:
        """(normalised query, times asked) of lookups that found nothing since the start of `since`'s day, most
        asked first."""
        r = lookup_rollups
        n = func.sum(r.c.count).label("n")
        query = (
            select(r.c.query, n)
            .where(self.store.team.owns(r), r.c.day >= rollups.day_of(since), r.c.outcome == "miss", r.c.query != "")
            .group_by(r.c.query)
            .order_by(n.desc(), r.c.query)
            .limit(limit)
        )
        with self.store.engine.connect() as conn:
            return [(q, int(count)) for q, count in conn.execute(query)]

    def surfaces_of(self, queries: Iterable[str], since: dt.datetime) -> dict[str, dict[str, int]]:
        """query -> surface -> lookups of exactly that (stored, normalised) query since then: where given words
        are looked up (the reviewer Home's discouraged labels)."""
        wanted = list(dict.fromkeys(q for q in queries if q))
        found: dict[str, dict[str, int]] = {}
        for start in range(0, len(wanted), 500):  # an IN list well inside every engine's limit
            query = (
                select(lookups.c.query, lookups.c.surface, func.count())
                .where(
                    self.store.team.owns(lookups),
                    lookups.c.at >= since,
                    lookups.c.query.in_(wanted[start : start + 500]),
                )
                .group_by(lookups.c.query, lookups.c.surface)
            )
            with self.store.engine.connect() as conn:
                for text, surface, n in conn.execute(query):
                    found.setdefault(text, {})[surface] = n
        return found

    def requests_for(self, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
        """term key -> (number, status) of the newest request filed for that term, for the keys that have one."""
        keys = list(keys)
        if not keys:
            return {}
        query = (
            select(term_requests.c.term_key, term_requests.c.id, term_requests.c.status)
            .where(
                self.store.team.owns(term_requests), term_requests.c.term_key.in_(keys), term_requests.c.kind == "new"
            )
            .order_by(term_requests.c.id)
        )
        with self.store.engine.connect() as conn:
            return {key: (number, status) for key, number, status in conn.execute(query)}  # the newest wins


class _Burst:
    """Log the first failure of a run of failures, and the recovery with how many rows were lost."""

    def __init__(self) -> None:
        self.lost = 0
        self.failing = False

    def failed(self, lost: int, message: str, *args: object) -> None:
        self.lost += lost
        if not self.failing:
            self.failing = True
            log.warning(message + "; answers go on, the next failures are not logged until one works", *args)

    def worked(self) -> None:
        if self.failing:
            log.warning("lookup analytics recording again; %d lookups were not recorded", self.lost)
        self.failing, self.lost = False, 0


_STOP = object()
_OPEN_WRITERS: weakref.WeakSet[LookupWriter] = weakref.WeakSet()


class LookupWriter:
    """The background thread between an answer and the lookups table."""

    def __init__(self, lookup_log: LookupLog, retention_days: int, *, purge_every: float = PURGE_EVERY):
        self.log = lookup_log
        self.retention_days = retention_days
        self.purge_every = purge_every
        self._queue: queue.Queue[object] = queue.Queue(QUEUE_MAX)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._last_purge: float | None = None
        self._burst = _Burst()

    def put(self, row: LookupRow) -> None:
        """Queue one row. Never blocks and never raises: analytics must not cost an answer anything."""
        try:
            self.start()
            self._queue.put_nowait(row)
        except queue.Full:
            self._burst.failed(
                1, "lookup analytics queue is full (%d rows): the state database is not keeping up", QUEUE_MAX
            )
        except Exception:
            log.debug("could not queue a lookup row", exc_info=True)

    def start(self) -> None:
        """Start the writer thread (the first put does it too); the first thing it does is purge old rows."""
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lookup-analytics", daemon=True)
                self._thread.start()
                _OPEN_WRITERS.add(self)

    def flush(self, timeout: float = CLOSE_WAIT) -> bool:
        """Wait until every row queued so far is written (or failed); False when `timeout` ran out first."""
        if self._thread is None or not self._thread.is_alive():
            return True
        done = threading.Event()
        try:
            self._queue.put(done, timeout=timeout)
        except queue.Full:
            return False
        return done.wait(timeout)

    def close(self, timeout: float = CLOSE_WAIT) -> None:
        """Write what is queued, then stop the thread. Called at shutdown."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            return
        try:
            self._queue.put(_STOP, timeout=timeout)
        except queue.Full:
            log.warning("lookup analytics: %d queued lookups were not written at shutdown", self._queue.qsize())
            return
        thread.join(timeout)

    def _run(self) -> None:
        self._purge_if_due()  # at start: a bot that restarts often still forgets old lookups
        while True:
            try:
                first = self._queue.get(timeout=self.purge_every)
            except queue.Empty:
                first = None  # an idle hour: still purge
            if isinstance(first, LookupRow) and self._queue.qsize() < BATCH:
                time.sleep(GATHER_SECONDS)  # a flush or a stop queued meanwhile waits this long at most
            rows, waiting, stop = self._drain(first)
            self._write(rows)
            self._purge_if_due()
            for done in waiting:
                done.set()
            if stop:
                return

    def _drain(self, first: object) -> tuple[list[LookupRow], list[threading.Event], bool]:
        """`first`, and whatever else is queued right now, up to one batch of rows."""
        rows: list[LookupRow] = []
        waiting: list[threading.Event] = []
        stop = False
        item = first
        while True:
            if isinstance(item, LookupRow):
                rows.append(item)
            elif isinstance(item, threading.Event):
                waiting.append(item)
            elif item is _STOP:
                stop = True
            if len(rows) >= BATCH and not stop:
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
        return rows, waiting, stop

    def _write(self, rows: list[LookupRow]) -> None:
        if not rows:
            return
        try:
            self.log.add(rows)
        except Exception as exc:  # any database trouble: the rows are lost, the bot goes on
            self._burst.failed(len(rows), "could not record %d lookups (%s)", len(rows), _one_line(exc))
        else:
            self._burst.worked()

    def _purge_if_due(self) -> None:
        if self._last_purge is not None and time.monotonic() - self._last_purge < self.purge_every:
            return
        self._last_purge = time.monotonic()
        try:
            gone = self.log.purge(self.retention_days)
        except Exception as exc:
            log.warning("could not purge lookups older than %d days (%s)", self.retention_days, _one_line(exc))
        else:
            if gone:
                log.info("purged %d lookups older than %d days", gone, self.retention_days)


def _one_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@atexit.register
def _close_open_writers() -> None:
    """Queued rows are written when the process exits normally (gunicorn worker exit, Ctrl-C in Socket Mode)."""
    for writer in list(_OPEN_WRITERS):
        writer.close()
