"""The glossary a running bot answers from: the builder builds (builder.py), this loads and swaps it in.

Readers take `live.current` (one attribute read) and keep that Glossary for the whole request, so a
reload in the middle of a request never mixes two versions. Every glossary here comes one way: a stat of
every term file; unchanged since the database was built, it is loaded as it is (a warm start reads no term
file); changed, the builder builds, and the new database is loaded. Loading takes the saved lookup index when
there is one, else the terms the builder just wrote (built here), else the terms read back from the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from .builder import Builder
from .db import BuildReport, current_report
from .files import FileStats, file_stats
from .lookup import Glossary
from .model import Severity, Term
from .parse import DEFAULT_MAX_FILE_BYTES
from .readback import read_terms
from .sidecar import load_terminology
from .snapshot import indexed, usable

log = logging.getLogger(__name__)

OnChange = Callable[[Glossary, Glossary], None]
SAFETY_NET_INTERVALS = 10  # with the kernel watching, a full check every 10 intervals (5 minutes by default)


def open_glossary(
    glossary_dir: Path,
    db_path: Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    terminology_file: Path | None = None,
) -> tuple[Glossary, BuildReport]:
    """The glossary of these files, built here if need be (plain mode: the command line, tests), its index saved."""
    glossary, report = _open(
        glossary_dir, db_path, max_file_bytes, Builder.here(), _stats_of(glossary_dir), save_later=False
    )
    attach_terminology(glossary, terminology_file or beside(glossary_dir))
    return glossary, report


def beside(glossary_dir: Path) -> Path:
    """Where a glossary keeps its terminology sidecar unless told otherwise: beside its term folder."""
    return glossary_dir.parent / "terminology.yml"


def attach_terminology(glossary: Glossary, path: Path | None) -> None:
    """The sidecar read for this glossary's terms (its problems logged), swapped in with one attribute write."""
    terminology = load_terminology(path, glossary.terms)
    for problem in terminology.problems:
        (log.warning if problem.severity == Severity.ERROR else log.info)("terminology: %s", problem)
    glossary.terminology = terminology


def _file_stat(path: Path | None) -> tuple[int, int] | None:
    try:
        s = path.stat() if path is not None else None
    except OSError:
        return None
    return (s.st_size, s.st_mtime_ns) if s is not None else None


def _open(
    glossary_dir: Path, db_path: Path, max_file_bytes: int, builder: Builder, stats: FileStats, *, save_later: bool
) -> tuple[Glossary, BuildReport]:
    report = current_report(db_path, stats)
    if report is None:
        report = builder.build(glossary_dir, db_path, max_file_bytes, term_files=len(stats), or_here=True)
    elif not usable(db_path, report.version):
        builder.index(db_path, report.version, term_files=len(stats))
    # A start: no request is waiting for the loader to let go of the GIL between the index's parts.
    return _loaded(report, db_path, save_later=save_later, yielding=False), report


def _loaded(report: BuildReport, db_path: Path, *, save_later: bool, yielding: bool = True) -> Glossary:
    """The glossary of the database the report is about: its saved index, else the terms a build here just
    wrote (no second read: a second or more at 10,000 terms), else its terms read back; indexed and saved then.
    save_later: on a daemon thread, for a server, which has no use for the file until its next start.
    yielding: other threads (requests, during a reload) run between the saved index's parts."""
    built, report.built = report.built, None
    read: Callable[[Path], list[Term]] = (lambda _path: built) if built is not None else read_terms
    return indexed(db_path, report.version, read, save_later=save_later, yielding=yielding)


def _stats_of(glossary_dir: Path) -> FileStats:
    return file_stats(glossary_dir) if glossary_dir.is_dir() else {}


def _term_file_changed(change: object, path: str) -> bool:
    """What can change the glossary: a term file (editors' swap and backup files are not)."""
    name = Path(path).name
    return name.endswith((".yml", ".yaml")) and not name.startswith(".")


class LiveGlossary:
    def __init__(
        self,
        glossary_dir: Path,
        db_path: Path,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        *,
        builder: Builder | None = None,
        terminology_file: Path | None = None,
    ):
        self.glossary_dir = glossary_dir
        self.terminology_file = terminology_file or beside(glossary_dir)
        self._terminology_stat = _file_stat(self.terminology_file)
        self.db_path = db_path
        self.max_file_bytes = max_file_bytes
        self.builder = builder or Builder()
        self._lock = threading.Lock()
        self._listeners: list[OnChange] = []
        self._stats = _stats_of(glossary_dir)
        # A cold start saves its new index on the side: it is for the next start.
        self.current, self.report = _open(
            glossary_dir, db_path, max_file_bytes, self.builder, self._stats, save_later=True
        )
        attach_terminology(self.current, self.terminology_file)
        self._log_report(self.report)

    def on_change(self, listener: OnChange) -> None:
        """Called with (old, new) after each reload that changed the glossary."""
        self._listeners.append(listener)

    def reload(self) -> bool:
        """Rebuild and swap in the glossary if its files changed. True when it did.

        First a stat of every file (size, times, inode): unchanged, nothing is read. Otherwise the builder
        reads, compares and builds (see builder.py for where): files touched but not changed are no new
        version. The swap itself is one attribute write, so a request sees the old glossary or the new one.
        """
        with self._lock:
            stats = _stats_of(self.glossary_dir)
            sidecar = _file_stat(self.terminology_file)
            if sidecar != self._terminology_stat:  # only the sidecar changed: the same terms, read anew
                self._terminology_stat = sidecar
                attach_terminology(self.current, self.terminology_file)
            if stats == self._stats:
                return False
            old = self.current
            report = self.builder.build(self.glossary_dir, self.db_path, self.max_file_bytes, term_files=len(stats))
            if report.version == old.version:
                self._stats = stats  # touched, not changed
                return False
            new = _loaded(report, self.db_path, save_later=False)
            attach_terminology(new, self.terminology_file)
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
        # The sidecar beside the folder too, when there is one (one created later is seen by the safety net).
        sidecar = [self.terminology_file] if self.terminology_file.is_file() else []
        for _changes in watchfiles.watch(
            self.glossary_dir,
            *sidecar,
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
            self.reload()
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
