"""The glossary a running bot answers from: opened (built first if need be), reloaded when its files change.

Readers take `live.current` (one attribute read) and keep that Glossary for the whole request, so a
reload in the middle of a request never mixes two versions.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .db import BuildReport, current_report, ensure_built, version_of
from .files import FileStats, file_stats
from .lookup import Glossary
from .model import Severity, Term
from .parse import DEFAULT_MAX_FILE_BYTES, FileText, read_glossary_files
from .readback import read_terms
from .snapshot import indexed

log = logging.getLogger(__name__)

OnChange = Callable[[Glossary, Glossary], None]


def open_glossary(
    glossary_dir: Path,
    db_path: Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    files: list[FileText] | None = None,
    stats: FileStats | None = None,
    save_later: bool = False,
) -> tuple[Glossary, BuildReport]:
    """Build if needed, then load the terms into the in-memory lookup (from its saved index when it has one)."""
    report = ensure_built(glossary_dir, db_path, max_file_bytes=max_file_bytes, files=files, stats=stats)
    return _indexed(report, db_path, save_later=save_later), report


def _indexed(report: BuildReport, db_path: Path, *, save_later: bool = False, serving: bool = True) -> Glossary:
    """The glossary of the database the report is about; a build that just wrote the terms hands them over
    instead of their being read back (a second or more of a cold start at 10,000 terms)."""
    built, report.built = report.built, None
    read: Callable[[Path], list[Term]] = (lambda _path: built) if built is not None else read_terms
    return indexed(db_path, report.version, read, save_later=save_later, serving=serving)


def build_elsewhere(glossary_dir: Path, db_path: Path, max_file_bytes: int) -> BuildReport:
    """Build and index in a fresh process: parsing and checking 10,000 files, then indexing them, holds a GIL
    for many seconds, and it must not be the serving process's. The new database is swapped in by rename as
    usual, and its index saved beside it, so the serving process only loads it (snapshot.py)."""
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as builder:
        return builder.submit(_build_and_index, glossary_dir, db_path, max_file_bytes).result()


def _build_and_index(glossary_dir: Path, db_path: Path, max_file_bytes: int) -> BuildReport:
    # Below the serving process's priority: on two cores the builder would otherwise take a whole core from
    # the requests answered meanwhile, for the ten seconds a 10,000-term build takes.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(BUILDER_NICENESS)
    # A spawned process of one thread: the one place a build may fork to parse on two cores (load._checked).
    report = ensure_built(glossary_dir, db_path, max_file_bytes=max_file_bytes, parallel=True)
    _indexed(report, db_path, serving=False)
    return report


BUILDER_NICENESS = 19
BUILD_ELSEWHERE_FROM = 1000  # term files; a smaller glossary builds in a blink, where it is opened
SAFETY_NET_INTERVALS = 10  # with the kernel watching, a full check every 10 intervals (5 minutes by default)


def _term_file_changed(change: object, path: str) -> bool:
    """What can change the glossary: a term file (editors' swap and backup files are not)."""
    name = Path(path).name
    return name.endswith((".yml", ".yaml")) and not name.startswith(".")


# While a new glossary's index is built on the watcher thread (seconds at 10,000 terms, all Python),
# request threads would wait up to the interpreter's 5 ms switch interval at each of their GIL
# handoffs. A 0.5 ms interval for those seconds cut a probe's p99 from ~100 to ~40-60 ms here.
REBUILD_SWITCH_INTERVAL = 0.0005


@contextmanager
def _sharing_the_gil() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, REBUILD_SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class LiveGlossary:
    def __init__(self, glossary_dir: Path, db_path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES):
        self.glossary_dir = glossary_dir
        self.db_path = db_path
        self.max_file_bytes = max_file_bytes
        self._lock = threading.Lock()
        self._listeners: list[OnChange] = []
        self._stats = file_stats(glossary_dir) if glossary_dir.is_dir() else {}
        warm = current_report(db_path, self._stats)
        if warm is not None:  # nothing to read or build: the saved index, or the terms read back
            self.current, self.report = _indexed(warm, db_path, save_later=True), warm
        elif len(self._stats) >= BUILD_ELSEWHERE_FROM and (built := self._built_elsewhere()) is not None:
            self.current, self.report = built
        else:
            # A cold start of a small glossary saves its new index on the side: it is for the next start.
            self.current, self.report = open_glossary(
                glossary_dir, db_path, max_file_bytes=max_file_bytes, save_later=True
            )
        self._log_report(self.report)

    def _built_elsewhere(self) -> tuple[Glossary, BuildReport] | None:
        """A big glossary's cold start builds in the builder process too: the build's garbage (YAML nodes, half
        a million short-lived objects) would otherwise stay in this process's heap for good, ~100 MB at 10,000
        terms; this process then loads the index the builder saved, as on a warm start. None when the builder
        cannot run (no way to start a process here, say): the build then runs here, as for a small glossary."""
        try:
            report = build_elsewhere(self.glossary_dir, self.db_path, self.max_file_bytes)
        except Exception as exc:
            log.warning("could not build the glossary in a separate process (%r); building it here", exc)
            return None
        return indexed(self.db_path, report.version, read_terms), report

    def on_change(self, listener: OnChange) -> None:
        """Called with (old, new) after each reload that changed the glossary."""
        self._listeners.append(listener)

    def reload(self, *, elsewhere: bool = False) -> bool:
        """Rebuild and swap in the glossary if its files changed. True when it did.

        First a stat of every file (size, times, inode): unchanged, nothing is read. Otherwise the files
        are read once, each one consistently (see parse.read_term_file): the version compared and the
        terms built come from the same bytes, and a file deleted meanwhile is simply not there.
        `elsewhere` (what the watcher does) reads, compares and builds in a separate process, which also saves
        the new lookup index: this process only loads it. The swap itself is one attribute write, so a
        request sees the old glossary or the new one.
        """
        with self._lock:
            stats = file_stats(self.glossary_dir) if self.glossary_dir.is_dir() else {}
            if stats == self._stats:
                return False
            old = self.current
            if elsewhere:
                # The builder reads and hashes the files too: reading all of them here as well would cost the
                # serving process a fraction of a second of the GIL just to learn whether anything changed.
                report = build_elsewhere(self.glossary_dir, self.db_path, self.max_file_bytes)
                if report.version == old.version:
                    self._stats = stats  # touched, not changed
                    return False
                with _sharing_the_gil():
                    new = indexed(self.db_path, report.version, read_terms)
            else:
                here = self.glossary_dir.is_dir()
                files = read_glossary_files(self.glossary_dir, self.max_file_bytes) if here else []
                if version_of(files, self.glossary_dir) == old.version:
                    self._stats = stats  # touched, not changed
                    return False
                new, report = open_glossary(self.glossary_dir, self.db_path, files=files, stats=stats)
            self.current, self.report, self._stats = new, report, stats
            self._log_report(self.report)
        for listener in self._listeners:
            try:
                listener(old, self.current)
            except Exception:
                log.exception("a glossary reload listener failed; the new glossary is in use regardless")
        return True

    def watch(self, interval: float, stop: threading.Event | None = None) -> threading.Thread:
        """Reload on a daemon thread when the files change.

        The kernel says when they change (inotify and its kin, through watchfiles), so with nothing changed
        no check runs at all, where a stat of every file costs ~35 ms at 10,000 files here. An edit is picked
        up about two seconds after it is saved (watchfiles waits for a burst of writes, a `git pull`, to
        end). A full check still runs every SAFETY_NET_INTERVALS × `interval`, for the filesystems whose
        changes the kernel cannot see (some network and container mounts). Where watching cannot start
        at all, every `interval` seconds is a full check, as before.
        """
        stop = stop or threading.Event()
        thread = threading.Thread(target=self._watch, args=(interval, stop), name="glossary-watch", daemon=True)
        thread.start()
        return thread

    def _watch(self, interval: float, stop: threading.Event) -> None:
        try:
            self._watch_by_kernel(interval, stop)
            return
        except Exception as exc:  # no inotify, too many watches, a folder that is not there yet…
            if stop.is_set():
                return
            log.warning("cannot watch %s (%s); checking it every %gs instead", self.glossary_dir, exc, interval)
        while not stop.wait(interval):
            self._check()

    def _watch_by_kernel(self, interval: float, stop: threading.Event) -> None:
        import watchfiles  # here: only a serving bot watches, and a CLI command need not load it

        safety_net_ms = max(1, int(interval * SAFETY_NET_INTERVALS * 1000))
        for _changes in watchfiles.watch(
            self.glossary_dir,
            watch_filter=_term_file_changed,
            stop_event=stop,
            # How often the watcher wakes to look at `stop` while nothing changes: watchfiles' default 50 ms
            # cost ~0.7 ms of CPU a second here; 500 ms costs a tenth of that and ends a watch within 0.5 s.
            step=500,
            rust_timeout=safety_net_ms,
            yield_on_timeout=True,  # an empty set: the safety net's turn
            raise_interrupt=False,
        ):
            self._check()  # a change, or the safety net: either way the stat comparison decides

    def _check(self) -> None:
        try:
            self.reload(elsewhere=True)
        except Exception:
            log.exception("glossary reload failed; still answering from version %s", self.current.version)

    @staticmethod
    def _log_report(report: BuildReport) -> None:
        errors = sum(p.severity == Severity.ERROR for p in report.problems)
        warnings = len(report.problems) - errors
        log.info(
            "glossary version %s: %d terms, %d errors, %d warnings%s",
            report.version,
            report.terms,
            errors,
            warnings,
            " (rebuilt)" if report.rebuilt else "",
        )
        for problem in report.problems:
            (log.warning if problem.severity == Severity.ERROR else log.info)("glossary: %s", problem)
