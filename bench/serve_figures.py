"""The served figures for one glossary size: start, throughput and latency beside bare Bolt, the
100 rps latency, a rebuild under load, and resident memory per worker."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import serving
from .corpus import glossary
from .dispatch_cpu import command_body

EnvFor = Callable[..., dict[str, str]]


def bodies_for(folder: Path, count: int = 200) -> list[bytes]:
    """/define requests: names, typos and questions from the glossary, by 50 people."""
    from bot.glossary.load import load_glossary

    from .corpus import queries

    q = queries({t.slug for t in load_glossary(folder).terms}, count)
    texts = [x for trio in zip(q.exact, q.typo, q.exact, strict=False) for x in trio]
    return [command_body(text, f"U{i % 50:07d}").encode() for i, text in enumerate(texts)]


def cold_and_warm(
    work: Path, size: int, api_url: str, workers: int | None, threads: int | None, env_for: EnvFor, timeout: float
) -> dict:
    folder = glossary(work, size)
    data = work / f"data-{size}"
    shutil.rmtree(data, ignore_errors=True)
    env = env_for(data, folder, api_url)
    out: dict[str, float | str] = {}
    try:
        with serving.Server(serving.BOT_APP, env, workers, threads).start(timeout) as s:
            out["cold_s"] = s.ready_s
    except RuntimeError as error:
        out["cold_s"] = float("nan")
        out["cold_error"] = str(error)
        return out
    with serving.Server(serving.BOT_APP, env, workers, threads).start(timeout) as s:
        out["warm_s"] = s.ready_s
    with serving.Server(serving.BARE_APP, env, workers, threads).start(timeout) as s:
        out["bare_s"] = s.ready_s
    return out


def served_figures(
    work: Path,
    size: int,
    api_url: str,
    workers: int | None,
    threads: int | None,
    rounds: int,
    seconds: float,
    env_for: EnvFor,
) -> dict:
    folder = glossary(work, size)
    data = work / f"data-{size}"
    shutil.rmtree(data, ignore_errors=True)
    env = env_for(data, folder, api_url)
    out: dict = {}
    with serving.Server(serving.BOT_APP, env, workers, threads).start(240) as cold:
        out["cold_s"] = cold.ready_s
    # The warm server and the bare one stay up for the load figures.
    bot = serving.Server(serving.BOT_APP, env, workers, threads).start(240)
    bare = serving.Server(serving.BARE_APP, env, workers, threads).start()
    out["warm_s"], out["bare_s"] = bot.ready_s, bare.ready_s
    bodies = bodies_for(folder)
    try:
        runs = serving.interleaved({"bot": bot.port, "bare": bare.port}, bodies, 8, rounds, seconds)
        for name, run in runs.items():
            out[f"{name}_rps"] = run.rps
            out[f"{name}_median_ms"] = run.median
            out[f"{name}_p99_ms"] = run.p99
            out[f"{name}_errors"] = run.errors
        for name, server in (("bot", bot), ("bare", bare)):
            steady = serving.open_loop(server.port, bodies, 100, seconds * 2)
            out[f"{name}_100rps_p99_ms"] = steady.p99
            out[f"{name}_100rps_median_ms"] = steady.median
        pids = bot.worker_pids()
        out["bot_worker_rss_mb"] = [round(serving.rss_mb(p), 1) for p in pids]
        out["bot_master_rss_mb"] = round(serving.rss_mb(bot.proc.pid), 1) if bot.proc else 0.0
        out["bare_worker_rss_mb"] = [round(serving.rss_mb(p), 1) for p in bare.worker_pids()]
    finally:
        bot.stop()
        bare.stop()
    if size >= 1_000:
        out.update(rebuild_under_load(work, folder, size, api_url, workers, threads, bodies, env_for))
    return out


def rebuild_under_load(
    work: Path,
    folder: Path,
    size: int,
    api_url: str,
    workers: int | None,
    threads: int | None,
    bodies: list[bytes],
    env_for: EnvFor,
) -> dict:
    """p99 at 100 rps while a changed file is rebuilt, against p99 just before, same server."""
    copy = work / f"terms-{size}-rebuild"
    serving_dir = work / f"data-{size}-rebuild"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.rmtree(serving_dir, ignore_errors=True)
    shutil.copytree(folder, copy, copy_function=shutil.copy2)
    serving_dir.mkdir(parents=True)
    shutil.copy2(work / f"data-{size}" / "glossary.db", serving_dir / "glossary.db")  # same version: no build
    env = env_for(serving_dir, copy, api_url, reload_seconds=1)
    with serving.Server(serving.BOT_APP, env, workers, threads).start(240) as bot:
        before = serving.open_loop(bot.port, bodies, 100, 5)
        version = serving.health_body(bot.port)
        victim = sorted(copy.glob("*.yml"))[size // 2]
        victim.write_text(victim.read_text() + "\n# edited for the rebuild benchmark\n")
        changed: dict[str, float] = {}
        started = time.perf_counter()

        def watch() -> None:
            while time.perf_counter() - started < 120:
                if serving.health_body(bot.port) != version:
                    changed["s"] = time.perf_counter() - started
                    return
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        during = serving.open_loop(bot.port, bodies, 100, 4)
        while "s" not in changed and watcher.is_alive() and during.seconds < 120:
            during.add(serving.open_loop(bot.port, bodies, 100, 2))
        watcher.join()
    return {
        "rebuild_seen_s": changed.get("s", float("nan")),
        "rebuild_p99_before_ms": before.p99,
        "rebuild_p99_during_ms": during.p99,
        "rebuild_errors": during.errors,
    }
