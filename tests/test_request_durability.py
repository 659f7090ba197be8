"""Fifty submissions at once, from threads and from two processes sharing one SQLite file: every one
becomes a request or a vote, none is lost or half-written, and nobody sees "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import func, select

from bot.state.schema import history, term_requests, votes
from bot.state.store import Store
from bot.term_requests.book import RequestBook
from bot.term_requests.rules import RequestForm

TERMS = 25  # each asked by two different people: 25 requests, 50 votes


def _check(url: str) -> None:
    store = Store(url)
    with store.engine.connect() as conn:
        requests = conn.execute(select(term_requests)).all()
        vote_rows = conn.execute(select(func.count()).select_from(votes)).scalar_one()
        filed = conn.execute(select(func.count()).select_from(history).where(history.c.action == "filed")).scalar_one()
        voted = conn.execute(select(func.count()).select_from(history).where(history.c.action == "voted")).scalar_one()
    store.close()
    assert len(requests) == TERMS and filed == TERMS
    assert sorted(r.votes for r in requests) == [2] * TERMS
    assert vote_rows == voted == 2 * TERMS
    assert all(r.why and r.term_key for r in requests)


def _file_all(book: RequestBook, users: list[str], errors: list) -> None:
    barrier = threading.Barrier(len(users))

    def one(i: int, user: str):
        barrier.wait()
        try:
            book.file(RequestForm(term=f"Term {i % TERMS}", why=f"asked by {user}"), user)
        except Exception as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(repr(exc))

    threads = [threading.Thread(target=one, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_fifty_threads(state_url):
    store = Store(state_url)
    errors: list = []
    _file_all(RequestBook(store), [f"U{i:04d}" for i in range(2 * TERMS)], errors)
    store.close()
    assert errors == []
    _check(state_url)


WORKER = textwrap.dedent("""
    import json, sys, threading, time
    from bot.term_requests.rules import RequestForm
    from bot.term_requests.book import RequestBook
    from bot.state.store import Store
    url, start, offset = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    book = RequestBook(Store(url))
    errors = []
    def one(i):
        try:
            book.file(RequestForm(term=f"Term {i}", why="from a process"), f"UP{offset}{i:03d}")
        except Exception as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(25)]
    time.sleep(max(0.0, start - time.time()))
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps(errors))
""")


@pytest.mark.slow
def test_two_processes_share_one_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    Store(url).close()  # tables exist before both start
    start = time.time() + 1.5
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(start), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in (1, 2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for (out, err), proc in zip(outputs, procs, strict=True):
        assert proc.returncode == 0, err
        assert json.loads(out) == [], out
    assert "database is locked" not in "".join(err for _, err in outputs)
    _check(url)
