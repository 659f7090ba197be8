"""A free port for a server another process will bind, picked below the kernel's ephemeral port range.

Binding port 0 and handing the port on left it free until the other process bound it, and in that gap any
server binding port 0 (the in-process e2e servers, on the other pytest-xdist worker) could be given the same port:
in one CI run the kill -9 test's burst of requests was filed into the two-teams test's server, and both failed.
bind(0) draws from the ephemeral range only, so a port below it is never handed to those servers."""

from __future__ import annotations

import random
import socket
from pathlib import Path

SPAN = 10_000  # ports tried, just below the ephemeral range


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    high = _ephemeral_low()
    low = max(1024, high - SPAN)
    picker = random.SystemRandom()  # not the tests' seeded random: two workers must not pick alike
    for _ in range(500):
        port = picker.randrange(low, high)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {low} and {high}")
