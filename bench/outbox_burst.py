"""The outbox under Slack's ordinary limits, and mentions end to end: this tree beside an earlier one, same run.

Two figures, each measured on the Procfile's `web:` process of this checkout and of `--before` (a git ref, checked
out into a temporary worktree; default `wave2-base`, the outbox as it was before pacing):
- the rate-limited burst: 30 term requests and 30 mentions at once, against a fake Slack that takes one post per
  second per channel and answers 429 with Retry-After beyond; how many of each arrive, how many twice, how many
  letters died, and how long the last one took;
- a burst of 200 mentions (16 at a time, each in its own channel, the fake answering at once): event → post
  p50 / p99, from the signed event's send to the fake's receipt of the answer.
"""

from __future__ import annotations

import contextlib
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.e2e.harness import BOT_USER, FakeSlack, event_body, signed_post
from tests.e2e.requests_helpers import submit_request
from tests.paths import ROOT

JSON = "application/json"


class Served:
    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """`ref` in a temporary worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-before-") as tmp:
        where = Path(tmp) / "tree"
        add = ["git", "worktree", "add", "--detach", str(where), ref]
        subprocess.run(add, cwd=ROOT, check=True, capture_output=True)
        try:
            yield where
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, capture_output=True)


def mention(k: int, channel: str) -> dict:
    ts = f"1700{k:06d}.000100"
    text = f"<@{BOT_USER}> what is RAG?"
    return {"type": "app_mention", "user": f"UM{k:05d}", "text": text, "ts": ts, "channel": channel, "event_ts": ts}


def letter_counts(data_dir: str) -> Counter:
    db = Path(data_dir) / "state.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return Counter(dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()))


def rate_limited_burst(start, root: Path, timeout: float) -> dict:
    """30 requests + 30 mentions under one post per second per channel. `start(api_url, data_dir, root)` serves."""
    fake = FakeSlack().start()
    fake.limit("chat.postMessage", 1.0)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-burst-") as tmp:
            data_dir = str(Path(tmp) / "var")
            with start(fake.api_url, data_dir, root) as server:
                began = time.monotonic()
                work = [lambda k=k: submit_request(server, user=f"UF{k:02d}", term=f"zorblat {k}") for k in range(30)]
                work += [lambda k=k: _send(server, mention(k, "CGENERAL"), k) for k in range(30)]
                with ThreadPoolExecutor(8) as pool:
                    list(pool.map(lambda w: w(), work))
                _settle(data_dir, timeout)
                counts = letter_counts(data_dir)
    finally:
        fake.stop()
    posted = fake.delivered("chat.postMessage")
    triage = Counter(p.body["text"].split(":")[0] for p in posted if p.body["channel"] == "CREQUESTS")
    answers = Counter(p.body.get("thread_ts") for p in posted if p.body["channel"] == "CGENERAL")
    last = max((p.at for p in posted), default=began) - began
    return {
        "triage posts": f"{len(triage)}/30",
        "mention answers": f"{len(answers)}/30",
        "posted twice": sum(n - 1 for n in (*triage.values(), *answers.values())),
        "429s": len([c for c in fake.of("chat.postMessage") if c.outcome == "429"]),
        "dead letters": counts.get("dead", 0),
        "last post s": round(last, 1),
    }


def _settle(data_dir: str, timeout: float) -> None:
    """Until no letter waits (all sent or dead), or `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = letter_counts(data_dir)
        if counts and not counts.get("pending") and not counts.get("sending"):
            return
        time.sleep(0.5)


def _send(server: Served, event: dict, k: int) -> float:
    started = time.monotonic()
    reply = signed_post(server.url + "/slack/events", event_body(event, event_id=f"EvB{k:06d}"), JSON)
    assert reply.status == 200, reply.body
    return started


def mention_burst(start, root: Path, n: int = 200, timeout: float = 120.0) -> dict:
    """n mentions, 16 at a time, each in its own channel; event → post latency from the fake's receipts."""
    fake = FakeSlack().start()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-mentions-") as tmp,
            start(fake.api_url, str(Path(tmp) / "var"), root) as server,
        ):
            for k in range(5):  # warm up: the first answer pays for imports and caches
                _send(server, mention(900000 + k, f"CWARM{k}"), 900000 + k)
            events = [mention(k, f"C{k:05d}") for k in range(n)]
            sent: dict[str, float] = {}
            lock = threading.Lock()

            def one(k: int) -> None:
                started = _send(server, events[k], k)
                with lock:
                    sent[events[k]["ts"]] = started

            with ThreadPoolExecutor(16) as pool:
                list(pool.map(one, range(n)))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and len(_answered(fake, sent)) < n:
                time.sleep(0.1)
    finally:
        fake.stop()
    arrived = _answered(fake, sent)
    waits = sorted(arrived[ts] - sent[ts] for ts in arrived)
    if not waits:
        return {"answered": f"0/{n}"}
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    return {"answered": f"{len(waits)}/{n}", "p50 s": round(statistics.median(waits), 3), "p99 s": round(p99, 3)}


def _answered(fake: FakeSlack, sent: dict[str, float]) -> dict[str, float]:
    first: dict[str, float] = {}
    for call in fake.delivered("chat.postMessage"):
        ts = call.body.get("thread_ts")
        if ts in sent and ts not in first:
            first[ts] = call.at
    return first
