"""The builder: the one way a served glossary is built.

A build reads and checks the term files and writes a new glossary database, swapped in by one rename (db.py).
The server never builds: it loads what the builder left and swaps it in (live.py). This class owns the one
decision about processes, where a build runs:

- In the builder process, from BUILD_ELSEWHERE_FROM term files. Parsing and checking 10,000 files, then
  indexing them, holds a GIL for many seconds and leaves its garbage (YAML nodes, half a million short-lived
  objects, ~100 MB) in whatever heap did it: that must not be the serving process's. The process is spawned
  (a fork of a threaded server is unsafe), runs below the server's priority, and saves the new lookup index
  beside the database, so the server only loads it (snapshot.py). A process of one thread may fork: it checks
  the second half of the files in a copy of itself, on the second core.
- Here, for a smaller glossary (the bundled 105 files build here in ~80 ms, where starting the builder process
  takes ~270 ms), in plain mode (`Builder.here()`: the command line, tests, embedding), and at a start when
  the builder process cannot start (there is nothing else to serve). The report then hands the terms it just
  wrote to the loader, which indexes them without reading them back.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import collector, load
from .db import BuildReport, ensure_built
from .model import Term
from .parse import DEFAULT_MAX_FILE_BYTES, FileText
from .readback import read_terms
from .snapshot import indexed

log = logging.getLogger(__name__)

BUILD_ELSEWHERE_FROM = 1000  # term files; a smaller glossary builds in a blink, here
BUILDER_NICENESS = 19
PARALLEL_FROM = 1000  # files: below this, a second process costs more than checking them on one core


class Builder:
    def __init__(self, *, elsewhere_from: int | None = BUILD_ELSEWHERE_FROM) -> None:
        self.elsewhere_from = elsewhere_from  # term files; None: never (plain mode)

    @classmethod
    def here(cls) -> Builder:
        """Plain mode: every build in this process (the command line, tests, embedding)."""
        return cls(elsewhere_from=None)

    def build(
        self,
        glossary_dir: Path,
        db_path: Path,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        *,
        term_files: int = 0,
        or_here: bool = False,
    ) -> BuildReport:
        """The database of these files, built unless it holds them already, ready to load.

        term_files: how many there are (the server has just counted them). or_here: when the builder process
        cannot run, build here rather than fail (a start; a reload keeps serving and tries at the next change).
        """
        if self.elsewhere_from is not None and term_files >= self.elsewhere_from:
            # At a start nothing is served yet: below the server's priority the builder only waited for the
            # other jobs of a busy machine (a 10,000-term cold start took minutes at a load of 9 on 2 cores).
            niceness = 0 if or_here else BUILDER_NICENESS
            try:
                return build_elsewhere(glossary_dir, db_path, max_file_bytes, niceness=niceness)
            except Exception as exc:
                if not or_here:
                    raise
                log.warning("could not build the glossary in a separate process (%r); building it here", exc)
        report = ensure_built(glossary_dir, db_path, max_file_bytes=max_file_bytes)
        if report.rebuilt:
            collector.built_here()
        return report

    def index(self, db_path: Path, version: str, *, term_files: int) -> None:
        """Make the saved lookup index of a database that is current but has none this code can load (the first
        start after an upgrade that changed how terms are indexed, or an index deleted), in the builder process
        for a big glossary: indexing 10,000 terms here left a server at twice its usual memory until it restarted.
        Nothing done for a small glossary, or when the builder process cannot run: the loader indexes here."""
        if self.elsewhere_from is None or term_files < self.elsewhere_from:
            return
        try:
            index_elsewhere(db_path, version)
        except Exception as exc:
            log.warning("could not index the glossary in a separate process (%r); indexing it here", exc)


def index_elsewhere(db_path: Path, version: str) -> None:
    """Index the terms of a current database in a fresh process and save the index beside it."""
    _in_a_fresh_process(_index, db_path, version)


def _index(db_path: Path, version: str) -> None:
    """What the builder process runs to index a database it did not build (at a start: full priority)."""
    indexed(db_path, version, read_terms)


def build_elsewhere(
    glossary_dir: Path, db_path: Path, max_file_bytes: int, *, niceness: int = BUILDER_NICENESS
) -> BuildReport:
    """Build and index in a fresh process; its report, whose index the server then loads."""
    report: BuildReport = _in_a_fresh_process(_build_and_index, glossary_dir, db_path, max_file_bytes, niceness)
    return report


def _in_a_fresh_process(job: Callable[..., Any], *args: Any) -> Any:
    """`job(*args)` in the builder process, its result (or its exception) back here."""
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as builder:
        return builder.submit(job, *args).result()


def _build_and_index(
    glossary_dir: Path, db_path: Path, max_file_bytes: int, niceness: int = BUILDER_NICENESS
) -> BuildReport:
    """What the builder process runs."""
    # During a reload, below the serving process's priority: on two cores the builder would otherwise take a
    # whole core from the requests answered meanwhile, for the ten seconds a 10,000-term build takes.
    if niceness:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(niceness)
    report = ensure_built(glossary_dir, db_path, max_file_bytes=max_file_bytes, check=check_on_two_cores)
    built: list[Term] | None
    built, report.built = report.built, None  # the terms stay here: the server loads the saved index
    indexed(db_path, report.version, (lambda _path: built) if built is not None else read_terms)
    return report


def check_on_two_cores(files: list[FileText]) -> list[load.Checked]:
    """load.check_files, with a forked copy of this process checking the second half meanwhile.

    Parsing is most of a build (the YAML is composed in C, but walked and constructed in Python), and each file
    is independent of the others. Fork is safe only in a process of one thread: the builder process, never a
    server. Anything wrong with the copy (out of memory, say) and its half is checked here instead.
    """
    if len(files) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return load.check_files(files)
    half = len(files) // 2
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as copy:
        second = copy.submit(_check_second_half, files[half:], half)
        first = load.check_files(files[:half])
        try:
            rest = second.result()
        except Exception as exc:
            log.warning("the builder's second core failed (%r); checking its half on this one", exc)
            rest = load.check_files(files[half:], half)
    return first + rest


_check_second_half = load.check_files  # what the copy runs (a name of its own, for tests/test_load_parallel.py)
