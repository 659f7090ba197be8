"""Signed /define latency over real HTTP through the Procfile's `web:` process, undisturbed and disturbed.

    python -m bench.bench_disturbed [--n 200] [--slow 100] [--web "gunicorn …"] [--before REF] [--outbox-only]
                                    [--terms N]

One server process for the whole run; each disturbed figure sits beside the undisturbed one measured in
the same run, so machine noise hits both. Disturbances:
- 8 and N slow clients connected (trickled bodies, slowloris headers, idle keep-alives: tests/slowclients.py);
- a Slack whose every Web API call hangs (auth.test answers, nothing else does), so any /define that
  waited on Slack would show it.
Every request must answer 200 with a card: any other answer, or a client timeout, counts as an error.

Then the outbox (bench/outbox_burst.py): the rate-limited burst and a burst of 200 mentions, and the Home storm
(bench/home_storm.py: `--home-people` reviewers opening the Home 4 times each under Slack's views.publish pace, on
300,000 stored lookups), on this tree and on `--before` (default `wave2-base`, the outbox before pacing; `main`
measures a branch against today's code) in the same run; `--before ''` skips the old tree. `--terms 10000` serves
these on a generated glossary of that many terms (bench/generate.py) instead of the bundled one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.e2e.harness import BOT_TOKEN, SIGNING_SECRET, FakeSlack, command_body, http, signed_post
from tests.paths import BUNDLED_ROLES, BUNDLED_TERMS, ROOT
from tests.slowclients import SlowClients

from . import corpus, home_storm, outbox_burst

QUERIES = ["RAG", "fine-tuning", "hallucination", "kv cache", "prompt engineering", "lora"]
FORM = "application/x-www-form-urlencoded"


class HangingSlack:
    """A Web API that answers auth.test and then never answers anything else (until stopped)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        release = self.release

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self.path.endswith("auth.test"):
                    release.wait(120)
                data = json.dumps({"ok": True, "user_id": "UBOT0001", "team_id": "T0000001", "bot_id": "B1"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.api_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_command() -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    return shlex.split(line[len("web:") :])


def start_server(
    command: list[str],
    api_url: str,
    data_dir: str,
    port: int,
    root: Path = ROOT,
    glossary: Path = BUNDLED_TERMS,
    **extra: str,
) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        PORT=str(port),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATA_DIR=data_dir,
        GLOSSARY_DIR=str(glossary),
        ROLES_FILE=str(BUNDLED_ROLES),
        LOG_LEVEL="WARNING",
        REQUESTS_CHANNEL="CREQUESTS",  # the triage posts of the outbox burst
        GLOSSARY_RELOAD_SECONDS="0",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        PYTHONPATH=str(root),  # the tree being measured, ahead of this checkout's editable install
        **extra,
    )
    proc = subprocess.Popen(
        command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http("GET", f"http://127.0.0.1:{port}/healthz").status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not become healthy within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


def measure(url: str, n: int) -> tuple[list[float], int]:
    times, errors = [], 0
    for i in range(n):
        started = time.perf_counter()
        try:
            reply = signed_post(url, command_body(QUERIES[i % len(QUERIES)]), FORM)
            ok = reply.status == 200 and "blocks" in reply.json()
        except (OSError, ValueError):
            ok = False
        times.append(time.perf_counter() - started)
        errors += not ok
    return times, errors


def figures(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def run(command: list[str], api_url: str, n: int, slow: int, pace: float) -> list[tuple[str, list[float], int]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/slack/events"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(command, api_url, str(Path(tmp) / "var"), port)
        try:
            measure(url, 20)  # warm up
            rows.append(("undisturbed", *measure(url, n)))
            for count in sorted({8, slow}):
                with SlowClients("127.0.0.1", port, count, pace=pace) as clients:
                    time.sleep(1.0)  # let them settle into whatever threads or buffers they hold
                    held = clients.connected
                    times, errors = measure(url, n)
                rows.append((f"{count} slow clients ({held} still connected)", times, errors))
            rows.append(("undisturbed, again", *measure(url, n)))
        finally:
            stop_server(proc)
    return rows


def serving(command: list[str], glossary: Path = BUNDLED_TERMS):
    """start(api_url, data_dir, root): the web process of the tree at `root` serving `glossary`, stopped on
    leaving the block."""

    @contextlib.contextmanager
    def start(api_url: str, data_dir: str, root: Path, **extra: str):
        port = free_port()
        proc = start_server(command, api_url, data_dir, port, root, glossary, **extra)
        try:
            yield outbox_burst.Served(port)
        finally:
            stop_server(proc)

    return start


def outbox_rows(command: list[str], before: str, people: int, glossary: Path = BUNDLED_TERMS) -> None:
    start = serving(command, glossary)
    trees = [("this tree", contextlib.nullcontext(ROOT))]
    if before:
        trees.append((f"before ({before})", outbox_burst.checkout(before)))
    results = []
    for name, tree in trees:
        with tree as root:
            burst = outbox_burst.rate_limited_burst(start, root, timeout=180)
            mentions = outbox_burst.mention_burst(start, root)
            homes = home_storm.home_storm(start, root, people=people)
        results.append((name, burst, mentions, homes))
    print("\nRate-limited burst: 30 requests + 30 mentions, Slack taking one post per second per channel")
    for name, burst, _, _ in results:
        print(f"  {name:<26} " + ", ".join(f"{k} {v}" for k, v in burst.items()))
    served = "the bundled glossary" if glossary == BUNDLED_TERMS else f"{glossary.name} (generated)"
    print(f"\nA burst of 200 mentions on {served} (16 at a time, own channels, Slack answering at once): event -> post")
    for name, _, mentions, _ in results:
        print(f"  {name:<26} " + ", ".join(f"{k} {v}" for k, v in mentions.items()))
    print(
        f"\nHome storm: {people} reviewers open the Home 4 times each at once, 300,000 lookups stored, Slack taking"
        " views.publish at 100 a minute (429 beyond); /define timed meanwhile"
    )
    for name, _, _, homes in results:
        print(f"  {name:<26} " + ", ".join(f"{k} {v}" for k, v in homes.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="signed /define requests per row")
    parser.add_argument("--slow", type=int, default=100, help="slow clients in the big disturbed row")
    parser.add_argument("--pace", type=float, default=0.5, help="seconds between a slow client's bytes")
    parser.add_argument("--web", help="serve with this command instead of the Procfile's web: line")
    parser.add_argument("--before", default="wave2-base", help="git ref measured beside this tree ('' for none)")
    parser.add_argument("--outbox-only", action="store_true", help="only the outbox and Home storm figures")
    parser.add_argument("--home-people", type=int, default=60, help="people opening the Home in the Home storm")
    parser.add_argument("--terms", type=int, default=0, help="outbox rows on this many generated terms (0: bundled)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "glossary-bench")
    args = parser.parse_args()
    command = shlex.split(args.web) if args.web else web_command()
    print(f"serving stack: {' '.join(command)}")
    if not args.outbox_only:
        define_rows(command, args)
    outbox_rows(
        command, args.before, args.home_people, corpus.glossary(args.work, args.terms) if args.terms else BUNDLED_TERMS
    )


def define_rows(command: list[str], args: argparse.Namespace) -> None:
    fake = FakeSlack().start()
    try:
        rows = run(command, fake.api_url, args.n, args.slow, args.pace)
    finally:
        fake.stop()
    hanging = HangingSlack()
    try:
        port = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            proc = start_server(command, hanging.api_url, str(Path(tmp) / "var"), port)
            try:
                url = f"http://127.0.0.1:{port}/slack/events"
                measure(url, 20)
                rows.append(("Slack hanging every Web API call", *measure(url, args.n)))
            finally:
                stop_server(proc)
    finally:
        hanging.stop()

    base_median, base_p99 = figures(rows[0][1])
    print(f"\n{'situation':<44} {'median ms':>10} {'p99 ms':>10} {'x median':>9} {'errors':>7}")
    for name, times, errors in rows:
        median, p99 = figures(times)
        print(f"{name:<44} {median:>10.1f} {p99:>10.1f} {median / base_median:>9.2f} {errors:>7}")
    print(f"\n{args.n} signed /define requests per row, one at a time, over real HTTP.")


if __name__ == "__main__":
    main()
