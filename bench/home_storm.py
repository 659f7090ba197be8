"""The Home storm (issue 19, item 4): many people opening the Home at once, on a busy glossary's lookups table.

`people` reviewers (so each Home carries the misses and the most looked up) open the Home `opens` times each, as
fast as the events can be sent, against a fake Slack that takes views.publish at Slack's Tier 4 pace (100 a minute)
and answers 429 with Retry-After beyond, with `rows` lookups in the state database. Meanwhile signed /define
requests are timed: a click must not wait behind Home draws. Reports how many people ended with their latest Home,
how many with none, the publishes Slack carried and refused, when the last Home arrived, and /define's p50 / p99.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.e2e.harness import TEAM, FakeSlack, command_body, event_body, signed_post

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
TIER_4 = 100 / 60
SEED_CHUNK = 20_000


def seed_lookups(data_dir: str, rows: int) -> None:
    """`rows` lookups over the last 90 days, written as the bot writes them; when the tree keeps daily counts,
    they are counted as its migration counts the rows it finds."""
    rng = random.Random(19)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    slugs = ["rag", "llm", "fine-tuning", "hallucination", "agent", "embedding"]
    with contextlib.closing(sqlite3.connect(Path(data_dir) / "state.db", timeout=30)) as conn:
        # A tree whose rows carry their team (every one since several workspaces): the fake Slack's team's.
        teamed = "team_id" in {column for _, column, *_ in conn.execute("PRAGMA table_info(lookups)")}
        team_column, team_value = (", team_id", ", ?") if teamed else ("", "")
        for start in range(0, rows, SEED_CHUNK):
            batch = []
            for _ in range(min(SEED_CHUNK, rows - start)):
                at = (now - dt.timedelta(seconds=rng.uniform(0, 90 * 86400))).strftime("%Y-%m-%d %H:%M:%S.%f")
                miss = rng.random() < 0.3
                query = f"unknown thing {rng.randrange(5000)}" if miss else rng.choice(slugs)
                outcome, slug = ("miss", None) if miss else ("hit", rng.choice(slugs))
                row = (at, rng.choice(("slash", "mention", "home")), query, outcome, slug, "name")
                batch.append((*row, TEAM) if teamed else row)
            conn.executemany(
                f"INSERT INTO lookups (at, surface, query, outcome, slug, how{team_column})"
                f" VALUES (?, ?, ?, ?, ?, ?{team_value})",
                batch,
            )
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "lookup_rollups" in tables:
            conn.execute("DELETE FROM lookup_rollups")
            conn.execute(
                f"INSERT INTO lookup_rollups (day, surface, outcome, slug, query, count{team_column})"
                " SELECT date(at), surface, outcome, coalesce(slug, ''), CASE outcome WHEN 'miss' THEN query"
                f" ELSE '' END, count(*){team_column} FROM lookups GROUP BY 1, 2, 3, 4, 5{team_column}"
            )
        conn.commit()


def _metadata(page: int) -> str:
    return json.dumps({"k": "", "v": "", "p": page, "m": 1, "r": 1}, separators=(",", ":"))


def _published_page(call) -> int:
    view = call.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    try:
        return int(json.loads(view.get("private_metadata") or "{}").get("p", 0))
    except (ValueError, AttributeError):
        return 0


def _timed_defines(url: str, stop: Callable[[], bool]) -> list[float]:
    times = []
    while not stop():
        started = time.perf_counter()
        reply = signed_post(url, command_body("RAG"), FORM)
        if reply.status == 200:
            times.append(time.perf_counter() - started)
        time.sleep(0.05)
    return times


def home_storm(start, root: Path, *, people: int = 60, opens: int = 4, rows: int = 300_000, timeout: float = 120):
    """`start(api_url, data_dir, root, **env)` serves the tree at `root`."""
    fake = FakeSlack().start()
    fake.limit("views.publish", TIER_4)
    users = [f"UHOME{p:05d}" for p in range(people)]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-home-") as tmp:
            data_dir = str(Path(tmp) / "var")
            with start(fake.api_url, data_dir, root, REVIEWERS=",".join(users)) as server:
                seed_lookups(data_dir, rows)
                began, done = time.monotonic(), False
                with ThreadPoolExecutor(9) as pool:
                    clicks = pool.submit(_timed_defines, server.url + "/slack/events", lambda: done)

                    def open_home(k: int) -> None:
                        user, page = users[k % people], k // people + 1
                        view = {"type": "home", "private_metadata": _metadata(page)}
                        event = {
                            "type": "app_home_opened",
                            "user": user,
                            "tab": "home",
                            "event_ts": "1.2",
                            "view": view,
                        }
                        signed_post(server.url + "/slack/events", event_body(event, event_id=f"EvHome{k}"), JSON)

                    for round_ in range(opens):  # round by round: each person's opens arrive in order
                        list(pool.map(open_home, range(round_ * people, (round_ + 1) * people)))
                    deadline = time.monotonic() + timeout
                    while time.monotonic() < deadline and _latest(fake, users, opens) < people:
                        time.sleep(0.5)
                    done = True
                    waits = sorted(clicks.result())
    finally:
        fake.stop()
    delivered = fake.delivered("views.publish")
    last = max((c.at for c in delivered), default=began) - began
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))] if waits else float("nan")
    return {
        "latest Home": f"{_latest(fake, users, opens)}/{people}",
        "no Home": people - len({c.body["user_id"] for c in delivered}),
        "published": len(delivered),
        "429s": len([c for c in fake.of("views.publish") if c.outcome == "429"]),
        "last Home s": round(last, 1),
        "/define p50 ms": round(statistics.median(waits) * 1000, 1) if waits else "-",
        "/define p99 ms": round(p99 * 1000, 1),
    }


def _latest(fake: FakeSlack, users: list[str], opens: int) -> int:
    last: dict[str, int] = {}
    for call in fake.delivered("views.publish"):
        last[call.body["user_id"]] = _published_page(call)
    return sum(1 for u in users if last.get(u) == opens)
