"""Serving figures over loopback HTTP: the bot and a bare Bolt app, each started by the same gunicorn line.

Requests are signed /define commands sent from this process by `concurrency` threads on keep-alive
connections. Runs alternate between the two servers in short rounds, so drift hits both alike.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
# Both apps are served the way the Procfile serves the bot: by an ASGI worker, through bot/http/asgi.py's
# buffering layer, so the two differ only in what the glossary bot does per request.
BOT_APP = "bot.http.web:create_asgi()"
BARE_APP = "bench.bare_app:create_asgi()"
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-not-a-real-token"


def procfile_web_line() -> list[str]:
    """The Procfile's web command, split; the bench serves both apps with it."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return shlex.split(line[4:])
    raise SystemExit("the Procfile has no web: line to serve the benchmark's apps with")


def gunicorn_command(app: str, port: int, workers: int | None, threads: int | None) -> list[str]:
    """The Procfile's web line, serving `app` instead of the bot's app."""
    args = procfile_web_line()
    served = [a for a in args if a.startswith("bot.http.web:")]
    if served != ["bot.http.web:create_asgi()"]:
        # Both apps must be served alike: a Procfile that serves something else needs the bench updated too.
        raise SystemExit(
            f"the Procfile's web line serves {served}; bench/serving.py expects bot.http.web:create_asgi()"
        )
    args = [app if a in served else a for a in args]
    args = [a for a in args if a != "--access-logfile" and a != "-"] if "--access-logfile" in args else args
    cmd = [sys.executable, "-m", "gunicorn", *args[1:], "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if workers:
        cmd += ["--workers", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    return cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One gunicorn serving one app; `ready_s` is the time from start to a healthy /healthz."""

    app: str
    env: dict[str, str]
    workers: int | None = None
    threads: int | None = None
    port: int = 0
    proc: subprocess.Popen | None = None
    ready_s: float = 0.0

    def start(self, timeout: float = 120.0) -> Server:
        self.port = free_port()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            gunicorn_command(self.app, self.port, self.workers, self.threads),
            cwd=ROOT,
            env={**os.environ, **self.env, "PORT": str(self.port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.app} exited with {self.proc.returncode} before it was healthy")
            if health(self.port) == 200:
                self.ready_s = time.perf_counter() - started
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"{self.app} not healthy after {timeout:.0f} s")

    def stop(self) -> None:
        """Quick stop; whatever is still up after 3 s is killed (a bench needs no graceful drain)."""
        if self.proc and self.proc.poll() is None:
            workers = self.worker_pids()
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                for pid in [self.proc.pid, *workers]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                self.proc.wait()

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def __enter__(self) -> Server:
        # `with Server(...).start() as s:` is the usual form: starting again would leave the first one running.
        return self if self.proc else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def health(port: int) -> int:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return 0


def health_body(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/healthz")
    body = conn.getresponse().read().decode()
    conn.close()
    return body


def signed_headers(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    sig = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body.decode())
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sig,
    }


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    def add(self, other: Run) -> None:
        self.latencies_ms += other.latencies_ms
        self.seconds += other.seconds
        self.errors += other.errors

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p99(self) -> float:
        s = sorted(self.latencies_ms)
        return s[min(len(s) - 1, int(len(s) * 0.99))] if s else 0.0


class _Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def post(self, body: bytes) -> int:
        for _ in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                self.conn.request("POST", "/slack/events", body=body, headers=signed_headers(body))
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
        return 0


def closed_loop(port: int, bodies: list[bytes], concurrency: int, seconds: float, once: bool = False) -> Run:
    """`concurrency` clients sending back to back for `seconds`: throughput and latency. once: each body
    is sent at most once (the run ends early when all are sent)."""
    run = Run()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(offset: int) -> None:
        c = _Client(port)
        mine: list[float] = []
        errors = 0
        i = offset
        while time.perf_counter() < stop_at and not (once and i >= len(bodies)):
            start = time.perf_counter()
            status = c.post(bodies[i % len(bodies)])
            mine.append((time.perf_counter() - start) * 1000)
            errors += status != 200
            i += concurrency
        with lock:
            run.latencies_ms += mine
            run.errors += errors

    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - began
    return run


def open_loop(port: int, bodies: list[bytes], rate: float, seconds: float, senders: int = 16) -> Run:
    """Requests at a fixed rate; latency counts from when each was due, so a stall shows in full.

    The first half second only opens the connections: its samples are dropped."""
    run = Run()
    lock = threading.Lock()
    warmup = int(rate * 0.5)
    total = int(rate * seconds) + warmup
    began = time.perf_counter() + 0.05
    next_index = iter(range(total))

    def sender() -> None:
        c = _Client(port)
        mine: list[float] = []
        errors = 0
        for i in next_index_safe():
            due = began + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status = c.post(bodies[i % len(bodies)])
            if i >= warmup:
                mine.append((time.perf_counter() - due) * 1000)
                errors += status != 200
        with lock:
            run.latencies_ms += mine
            run.errors += errors

    index_lock = threading.Lock()

    def next_index_safe():  # type: ignore[no-untyped-def]
        while True:
            with index_lock:
                i = next(next_index, None)
            if i is None:
                return
            yield i

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - began - 0.5
    return run


def interleaved(ports: dict[str, int], bodies: list[bytes], concurrency: int, rounds: int, seconds: float) -> dict:
    """Closed-loop runs alternating between the servers: {name: Run}."""
    for port in ports.values():  # warm up: first-request authorization, caches
        closed_loop(port, bodies, concurrency, 0.5)
    runs = {name: Run() for name in ports}
    for r in range(rounds):
        order = list(ports.items()) if r % 2 == 0 else list(reversed(ports.items()))
        for name, port in order:
            runs[name].add(closed_loop(port, bodies, concurrency, seconds))
    return runs
