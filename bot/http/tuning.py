"""Interpreter tuning for a long-running server: applied by the serving entry points only (the Procfile's app,
create_asgi, and serve's Socket Mode), never by the command line, the MCP server or the tests.

Everything made by the time a server is up (modules, Bolt, the glossary: a quarter of a million objects at 10,000
terms) lives as long as the process, or until the next reload. Frozen out of the cycle collector's sight
(gc.freeze), a full collection walks only what requests make, not all of that (~150 ms holding the GIL at 10,000
terms: a p99 spike each time). The glossary is frozen as soon as it is loaded (bot/glossary/collector.py), the
rest once the server is up. The figures, with and without, are in bench/RESULTS.md.
"""

from __future__ import annotations

import gc

from ..glossary import collector


def before_start() -> None:
    """Before anything is loaded: each glossary (the first, and every reload's) frozen as soon as it is made."""
    collector.freeze_what_loads()


def once_started() -> None:
    """The rest of what start-up made (modules, Bolt, settings), frozen too; its garbage collected first."""
    gc.collect()
    gc.freeze()
