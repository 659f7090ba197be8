"""The Home's and `/define stats`' lookup figures come from daily counts kept beside the lookups (issue 19, item 4).

Each test holds the counts to what a scan of the lookups table gives over the same whole days, on SQLite and
PostgreSQL: after batches from two instances, after a purge, and after the migration counted the rows a database
already held."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from sqlalchemy import select

from bot.state.lookups import SCANNED, LookupLog, LookupRow
from bot.state.migrations import alembic_config
from bot.state.rollups import day_of, midnight
from bot.state.schema import lookup_rollups, lookups
from bot.state.store import Store, make_engine, now
from bot.state.team import Team

INSTALLER = Team("T0INSTALL")  # the workspace that installed the bot: revision 0009 gives it the old rows

SURFACES = ("slash", "mention", "home", "mcp", "shortcut", "explain")
OUTCOMES = ("hit", "miss", "miss", "suggestions", "comparison", "ambiguous")


def some_lookups(n: int, seed: int, *, days: int = 12) -> list[LookupRow]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        outcome = rng.choice(OUTCOMES)
        slug = rng.choice(("rag", "llm", "agent", "eval")) if outcome in ("hit", "comparison") else None
        query = rng.choice(("rag", "retrieval thing", "blorp", "zed", "what is x", ""))
        at = now() - dt.timedelta(days=rng.uniform(0, days))
        rows.append(LookupRow(rng.choice(SURFACES), query, outcome, slug, "name", at))
    return rows


def scanned(store: Store, since: dt.datetime) -> tuple[Counter, Counter, Counter]:
    """What the rollups must equal: the lookups table read row by row."""
    by_kind, by_slug, misses = Counter(), Counter(), Counter()
    with store.engine.connect() as conn:
        for r in conn.execute(select(lookups).where(lookups.c.at >= since)):
            by_kind[(r.surface, r.outcome)] += 1
            if r.slug is not None and r.surface not in SCANNED:
                by_slug[r.slug] += 1
            if r.outcome == "miss" and r.query:
                misses[r.query] += 1
    return by_kind, by_slug, misses


def assert_counts_equal_a_scan(log: LookupLog, days: int) -> None:
    since = midnight(day_of(now() - dt.timedelta(days=days)))
    by_kind, by_slug, misses = scanned(log.store, since)
    assert log.counts(since) == dict(by_kind)
    assert log.counts_by_slug(since) == dict(by_slug)
    ranked = sorted(misses.items(), key=lambda kv: (-kv[1], kv[0]))
    assert log.top_misses(since, 1000) == ranked
    assert log.top_misses(since, 3) == ranked[:3]


def test_daily_counts_equal_a_scan_of_the_lookups_for_every_window(state_url):
    store = Store(state_url)
    log = LookupLog(store)
    rows = some_lookups(600, seed=1)
    for start in range(0, len(rows), 97):  # batches as the writer commits them
        log.add(rows[start : start + 97])
    for days in (1, 7, 30):
        assert_counts_equal_a_scan(log, days)
    assert sum(log.counts(midnight(day_of(now() - dt.timedelta(days=30)))).values()) == 600
    store.close()


def test_two_instances_adding_the_same_days_add_up(state_url):
    one, two = Store(state_url), Store(state_url)
    first, second = LookupLog(one), LookupLog(two)
    first.add(some_lookups(200, seed=2))
    second.add(some_lookups(200, seed=2))  # the same keys again: counted twice, not overwritten
    assert_counts_equal_a_scan(first, 30)
    with one.engine.connect() as conn:
        assert conn.execute(select(lookup_rollups.c.count)).scalars().all()
        assert all(n % 2 == 0 for n in conn.execute(select(lookup_rollups.c.count)).scalars())
    one.close()
    two.close()


def test_a_purge_takes_the_counts_of_the_days_it_empties(state_url):
    store = Store(state_url)
    log = LookupLog(store)
    log.add(some_lookups(300, seed=3, days=40))
    log.purge(20)
    with store.engine.connect() as conn:
        oldest = conn.execute(select(lookup_rollups.c.day).order_by(lookup_rollups.c.day)).scalars().first()
    assert oldest >= day_of(now() - dt.timedelta(days=20))
    assert_counts_equal_a_scan(log, 19)  # every day wholly inside the retention still equals a scan
    store.close()


def test_the_migration_counts_the_lookups_a_database_already_holds(state_url):
    from alembic import command

    engine = make_engine(state_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0008")
    rows = some_lookups(250, seed=4)
    with engine.begin() as conn:
        conn.execute(
            lookups.insert(),
            [{"at": r.at, "surface": r.surface, "query": r.query, "outcome": r.outcome, "slug": r.slug, "how": r.how}
             for r in rows],
        )  # fmt: skip
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn, INSTALLER), "head")  # 0009 gives the old lookups their team
    engine.dispose()
    store = Store(state_url, INSTALLER)
    assert_counts_equal_a_scan(LookupLog(store), 30)
    store.close()
