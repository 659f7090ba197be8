"""Build and lookup figures in this process, each beside its baseline on the same queries.

Baselines: difflib.get_close_matches and a per-row rapidfuzz loop for typos (what a bot without an
index does), and a LIKE scan of the built database for questions (what peers' SQL lookups do).
"""

from __future__ import annotations

import difflib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz

from bot.glossary import meaning
from bot.glossary.db import ensure_built
from bot.glossary.live import LiveGlossary, open_glossary
from bot.glossary.names import normalise

from .corpus import glossary, queries
from .quality import asker, hand_labels


def timed(fn: Callable[[str], object], items: list[str]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else 0.0


def p99(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * 0.99))] if s else 0.0


WATCHED_SECONDS = 5.0
INTERVAL_SECONDS = 30.0  # GLOSSARY_RELOAD_SECONDS's default: what one "check" used to be every


def watcher_cpu_ms(folder: Path, db_path: Path, seconds: float = WATCHED_SECONDS) -> tuple[float, float]:
    """(CPU to set up the watch, once; CPU per 30 s of watching unchanged files): the reload check as it runs
    now. Measured in a process of its own that does nothing else, since watchfiles' native thread is not
    one Python can time; the kernel reports changes, so nothing is checked until one comes."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.lookups", "watch", str(folder), str(db_path), str(seconds)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    set_up, per_interval = (float(x) for x in out.stdout.split())
    return set_up, per_interval


def _watch_and_report(folder: Path, db_path: Path, seconds: float) -> None:
    live = LiveGlossary(folder, db_path)  # warm: the database and its index are there
    stop = threading.Event()
    before = time.process_time()
    thread = live.watch(INTERVAL_SECONDS, stop)
    time.sleep(2.0)  # setting up the watch (the kernel's and watchfiles' side)
    set_up = time.process_time()
    time.sleep(seconds)
    spent = time.process_time() - set_up
    stop.set()
    thread.join(5)
    print((set_up - before) * 1000, spent * 1000 * INTERVAL_SECONDS / seconds)


def like_scan(db_path: Path) -> Callable[[str], object]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)

    def scan(query: str) -> object:
        words = [w for w in normalise(query).split() if len(w) > 2][:8] or [query]
        where = " or ".join("term like ? or short_def like ? or long_def like ?" for _ in words)
        args = [f"%{w}%" for w in words for _ in range(3)]
        return conn.execute(f"select slug from terms where {where} limit 5", args).fetchall()

    return scan


def measure(work: Path, size: int, count: int) -> dict[str, float]:
    """Every in-process figure for a glossary of `size` terms."""
    folder = glossary(work, size)
    db_path = work / f"glossary-{size}.db"
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    ensure_built(folder, db_path)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    g, _ = open_glossary(folder, db_path)
    open_warm_s = time.perf_counter() - start
    live = LiveGlossary(folder, db_path)
    checks = timed(lambda _: live.reload(), ["."] * 5)  # the full check: now the watcher's safety net
    watch_setup_ms, watching_ms = watcher_cpu_ms(folder, db_path)
    q = queries(set(g.terms), count)
    ask = asker(g)  # questions take the path a mention takes (bot.answers.ask), as in bench/quality.py
    out: dict[str, float] = {
        "terms": len(g),
        "build_s": build_s,
        "open_warm_s": open_warm_s,
        "reload_check_ms": median(checks),
        "watching_cpu_ms": watching_ms,
        "watch_setup_ms": watch_setup_ms,
    }
    for kind in ("exact", "typo", "question", "junk"):
        lookup = ask if kind == "question" else g.find

        def uncached(text: str, lookup: Callable[[str], object] = lookup) -> object:
            g.forget_answers()  # time the lookup itself, never an answer find() kept from an earlier query
            return lookup(text)

        samples = timed(uncached, getattr(q, kind))
        out[f"{kind}_median_ms"] = median(samples)
        out[f"{kind}_p99_ms"] = p99(samples)
    keys = sorted({normalise(n) for t in g.terms.values() for n in (t.term, *t.aliases)})
    few = q.typo[: max(5, min(len(q.typo), 3000 // max(1, size // 100)))]
    out["typo_difflib_median_ms"] = median(
        timed(lambda s: difflib.get_close_matches(normalise(s), keys, n=5, cutoff=0.75), few)
    )
    out["typo_rowloop_median_ms"] = median(
        timed(lambda s: sorted((fuzz.ratio(normalise(s), k), k) for k in keys)[-5:], few)
    )
    out["question_like_median_ms"] = median(timed(like_scan(db_path), q.question[: len(few)]))
    out.update(meaning_cost(g, ask))
    return out


def meaning_cost(g: object, ask: Callable[[str], object]) -> dict[str, float]:
    """The meaning lane's cost beside the word lane's, on questions that name no term (descriptions written
    by hand for the bundled glossary: their length and words are what people type, whatever the glossary):
    the lane alone (embed the text, rank every term), and a whole mention answer with the lane on and off."""
    texts = [q["query"] for q in hand_labels("bundled", "dev") if q["category"] == "describe"]
    index = getattr(g, "meaning", None)
    if index is None or not meaning.enabled():
        return {}
    embedder = meaning.shared_embedder()
    lane = timed(lambda t: index.rank(embedder.embed([t])[0], 10), texts)
    with_lane = timed(lambda t: (g.forget_answers(), ask(t)), texts)  # type: ignore[attr-defined]
    meaning.switch(False)
    try:
        without = timed(lambda t: (g.forget_answers(), ask(t)), texts)  # type: ignore[attr-defined]
    finally:
        meaning.switch(True)
    vectors = index.whole.nbytes + index.parts.nbytes + index.starts.nbytes
    start = time.perf_counter()
    meaning.MeaningIndex.build(list(g.terms.values()), embedder)  # type: ignore[attr-defined]
    return {
        "meaning_lane_median_ms": median(lane),
        "meaning_lane_p99_ms": p99(lane),
        "open_question_lane_on_median_ms": median(with_lane),
        "open_question_lane_on_p99_ms": p99(with_lane),
        "open_question_lane_off_median_ms": median(without),
        "open_question_lane_off_p99_ms": p99(without),
        "meaning_vectors_mb": vectors / 1e6,
        "meaning_build_s": time.perf_counter() - start,
    }


def copy_unchanged(src: Path, dst: Path) -> None:
    """A second copy of a glossary (files, times kept) for a warm start elsewhere."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, copy_function=shutil.copy2)
    os.sync()


if __name__ == "__main__" and sys.argv[1:2] == ["watch"]:
    _watch_and_report(Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]))
