"""Writes that arrive while one waits for the write turn share its commit (bot/state/group_commit.py), on SQLite
and PostgreSQL: each caller gets its own result, only once its rows are committed; a write that fails fails only
its caller."""

from __future__ import annotations

import datetime as dt
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.state.group_commit import GroupCommit
from bot.state.outbox import LetterKind, Outbox
from bot.state.schema import processed_events
from bot.state.store import Store
from bot.state.team import Team


def _until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _queued(claims: GroupCommit) -> int:
    with claims._lock:
        return len(claims._queued)


def _claim_in_threads(store: Store, ids: list[str]) -> tuple[list[threading.Thread], dict[int, object]]:
    answers: dict[int, object] = {}

    def claim(k: int, event_id: str) -> None:
        try:
            answers[k] = store.claim_event(event_id)
        except BaseException as exc:
            answers[k] = exc

    threads = [threading.Thread(target=claim, args=(k, event_id)) for k, event_id in enumerate(ids)]
    for t in threads:
        t.start()
    return threads, answers


def test_claims_queued_behind_a_busy_turn_share_one_commit(state_url):
    store = Store(state_url)
    store.claim_event("Ev-earlier")  # already seen: its retry below must say so
    commits: list[int] = []
    event.listen(store.engine, "commit", lambda conn: commits.append(1))
    ids = ["Ev-a", "Ev-b", "Ev-earlier", "Ev-c", "Ev-a", "Ev-d"]
    claims = store._together
    blocked = threading.Event()
    release = threading.Event()

    def busy() -> None:  # a leader still on its way to the write turn: the claims below queue behind it
        with claims._lock:
            claims._leader = True
        blocked.set()
        release.wait(30)
        claims._commit()

    holder = threading.Thread(target=busy)
    holder.start()
    blocked.wait(30)
    threads, answers = _claim_in_threads(store, ids)
    _until(lambda: _queued(claims) == len(ids))
    assert answers == {}  # nobody is answered before the commit
    release.set()
    for t in [holder, *threads]:
        t.join(30)
    assert len(commits) == 1  # six claims, one transaction
    # Each new id is True exactly once; the id seen before, and the second "Ev-a", are False.
    assert answers[2] is False
    assert sorted([answers[0], answers[4]]) == [False, True]
    assert answers[1] is True and answers[3] is True and answers[5] is True
    with store.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(processed_events)).scalar_one()
    assert stored == 5  # Ev-earlier, a, b, c, d: once each
    store.close()


def test_the_same_id_in_two_teams_is_two_events_within_one_commit(state_url):
    store = Store(state_url)
    acme, globex = store.for_team(Team("T0ACME")), store.for_team(Team("T0GLOBEX", "E0GLOBEX"))
    assert acme._together is globex._together  # one queue for the database, whoever's view
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def claim(view: Store) -> None:
        barrier.wait()
        results.append(view.claim_event("Ev-shared"))

    threads = [threading.Thread(target=claim, args=(view,)) for view in [acme, globex] * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 6 + [True, True]
    store.close()


def test_a_failed_commit_fails_every_claim_it_carried_and_the_next_claim_still_commits(state_url):
    store = Store(state_url)
    fail = threading.Event()
    fail.set()
    entered = threading.Event()
    go_on = threading.Event()

    @contextmanager
    def writing():
        with store.writing() as conn:
            entered.set()
            go_on.wait(30)
            yield conn
            if fail.is_set():
                raise OperationalError("COMMIT", None, Exception("disk I/O error"))

    store._together = GroupCommit(writing)
    threads, answers = _claim_in_threads(store, ["Ev-1", "Ev-2", "Ev-3"])
    entered.wait(30)  # the first claim leads; the others queue behind it or lead the next commit
    fail_first = dict(answers)
    go_on.set()
    _until(lambda: len(answers) == 3)
    for t in threads:
        t.join(30)
    assert fail_first == {}
    assert all(isinstance(a, OperationalError) for a in answers.values())  # rolled back: nobody told "new"
    fail.clear()
    assert store.claim_event("Ev-1") is True  # nothing was stored, and the queue is not stuck behind a dead leader
    assert store.claim_event("Ev-1") is False
    store.close()


@pytest.mark.parametrize("threads", [1, 12])
def test_every_distinct_id_is_new_exactly_once(state_url, threads):
    store = Store(state_url)
    ids = [f"Ev-{i % 30}" for i in range(90)]  # each id three times over
    results: dict[str, list[bool]] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work(part: list[str]) -> None:
        barrier.wait()
        for event_id in part:
            new = store.claim_event(event_id)
            with lock:
                results.setdefault(event_id, []).append(new)

    workers = [threading.Thread(target=work, args=(ids[k::threads],)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(60)
    assert len(results) == 30 and all(sorted(r) == [False, False, True] for r in results.values())
    store.close()


def test_a_write_that_raises_fails_only_its_caller_and_the_rest_are_committed(state_url):
    store = Store(state_url)
    together = store._together
    with together._lock:
        together._leader = True  # writes queue, as behind a leader still waiting for its turn
    answers: dict[str, object] = {}

    def bad(conn):
        row = {"event_id": "Ev-bad", "received_at": dt.datetime.now(dt.UTC), "team_id": store.team.id}
        conn.execute(processed_events.insert().values(**row))
        raise ValueError("a write that fails after a statement")

    def run(name: str, work) -> None:
        try:
            answers[name] = together.run(work)
        except BaseException as exc:
            answers[name] = exc

    outbox = Outbox(store)
    jobs = {
        "claim": lambda: answers.__setitem__("claim", store.claim_event("Ev-good")),
        "bad": lambda: run("bad", bad),
        "letter": lambda: answers.__setitem__("letter", outbox.send(LetterKind.DM, {"user": "U1", "message": {}})),
    }
    threads = [threading.Thread(target=job) for job in jobs.values()]
    for t in threads:
        t.start()
    _until(lambda: _queued(together) == 3)
    together._commit()  # the leader's turn: the three in one transaction, which the bad one fails
    for t in threads:
        t.join(30)
    assert answers["claim"] is True and isinstance(answers["letter"], int)
    assert isinstance(answers["bad"], ValueError)
    with store.engine.connect() as conn:
        events = set(conn.execute(select(processed_events.c.event_id)).scalars())
    assert events == {"Ev-good"}  # the bad write's statement was rolled back with it
    assert [letter.id for letter in outbox.letters()] == [answers["letter"]]
    assert store.claim_event("Ev-good") is False
    store.close()
