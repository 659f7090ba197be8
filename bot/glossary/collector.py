"""Python's cyclic garbage collector, paused while a glossary is built or its index loaded; and, in a server only,
what a load made frozen out of its sight.

Building one makes hundreds of thousands of long-lived objects (at 10,000 terms), and each of them triggers
collection after collection, every full one walking all the objects made so far: paused, the build takes
about a fifth less time and indexing about half. Nothing these steps make needs the cycle collector (reference
counting frees what they throw away), and it is switched back on afterwards even if the step fails.

A loaded glossary lives until the next reload. A long-running server asks (bot/http/tuning.py, before it loads
anything) for each one to be frozen (gc.freeze) as soon as it is made: otherwise the collections that follow
walk its quarter of a million objects again and again, most of all while the server starts (~2 s of a warm
start at 10,000 terms on a busy machine) and a full one ~150 ms holding the GIL, a p99 spike each time. A
glossary replaced by a reload is still freed by reference counting: its objects form no cycles
(tests/test_glossary_snapshot.py). The command line, the MCP server and the tests never freeze.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_freezing = False  # process-wide, like the collector itself


@contextmanager
def paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def freeze_what_loads(freeze: bool = True) -> None:
    """For a server's entry point: every glossary loaded from now on is frozen as soon as it is made."""
    global _freezing
    _freezing = freeze


def loaded() -> None:
    """A glossary was just made and is kept: frozen, when this process is a server that asked for it."""
    if _freezing:
        gc.freeze()


def built_here() -> None:
    """A build just ran in this process, leaving reference cycles (YAML's loaders and nodes) made while the collector
    was paused: in a server, collected now, before its next freeze would keep them for good. Elsewhere the
    collector's own runs free them, and a test or a command is spared a full collection per build."""
    if _freezing:
        gc.collect()
