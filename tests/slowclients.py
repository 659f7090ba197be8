"""Slow and idle HTTP clients, the way an attacker (or a bad network) holds a server's connections open.

Three kinds, each keeping its socket open until stop():
- "body": full headers announcing a body, then the body one byte every `pace` seconds;
- "headers": a slowloris, the request line and headers one byte every `pace` seconds, never finished;
- "idle": a kept-alive connection that asked for /healthz once and then says nothing.

Used by tests/test_slow_clients.py and bench/bench_disturbed.py.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

KINDS = ("body", "headers", "idle")


class SlowClients:
    def __init__(self, host: str, port: int, count: int, *, pace: float = 0.5, kinds: tuple[str, ...] = KINDS):
        self.host, self.port, self.count, self.pace, self.kinds = host, port, count, pace, kinds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connected = 0  # sockets that are open and trickling right now
        self._lock = threading.Lock()

    def start(self) -> SlowClients:
        ready = threading.Barrier(self.count + 1)
        for i in range(self.count):
            kind = self.kinds[i % len(self.kinds)]
            thread = threading.Thread(target=self._run, args=(kind, ready), daemon=True)
            thread.start()
            self._threads.append(thread)
        ready.wait(timeout=30)  # every client has its connection open (and has sent something) before we go on
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> SlowClients:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, kind: str, ready: threading.Barrier) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=10)
        except OSError:
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.wait(timeout=30)
            return
        with sock:
            try:
                trickle = self._opening(kind, sock)
            finally:
                with contextlib.suppress(threading.BrokenBarrierError):
                    ready.wait(timeout=30)
            with self._lock:
                self.connected += 1
            try:
                while not self._stop.wait(self.pace):
                    if trickle:
                        sock.sendall(trickle[:1])
                        trickle = trickle[1:] or trickle  # never finishes: the last byte again and again
            except OSError:
                pass  # the server hung up on us, which is allowed
            finally:
                with self._lock:
                    self.connected -= 1

    def _opening(self, kind: str, sock: socket.socket) -> bytes:
        """Send what this kind sends at once; return what it then trickles."""
        host = f"{self.host}:{self.port}"
        if kind == "body":
            head = (
                f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\n"
            )
            sock.sendall(head.encode() + b"t")
            return b"ext=" + b"x" * 99_995
        if kind == "headers":
            sock.sendall(b"P")
            return f"OST /slack/events HTTP/1.1\r\nHost: {host}\r\n".encode() + b"X-Slow: " + b"a" * 10_000
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        with contextlib.suppress(OSError):
            sock.recv(65536)  # the answer; the connection then stays open, kept alive and silent
        return b""


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
