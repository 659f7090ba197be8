"""What users do, served: `/define` with every text and every person new (no cache can help), beside the
same server on a repeated pool of texts, bare Bolt as served and bare Bolt without its ack poll
(`process_before_response=True`); start to healthy, cold (no database, no saved index) and warm (both
saved); and each worker's memory after 20,000 distinct requests, split into what is private and what is
mapped from files (shared by every worker through the page cache).

    python -m bench.distinct [--terms 10000] [--rounds 3] [--seconds 2] [--work DIR]

Part of `python -m bench` for 10,000 terms. Every figure is beside its baselines from the same run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

from . import serving
from .corpus import glossary
from .dispatch_cpu import command_body
from .first_answer import distinct_texts

BARE_INLINE_APP = "bench.bare_app:create_asgi_inline()"
MEMORY_AFTER = 20_000  # distinct requests before each worker's memory is read
WINDOW = 6_000  # distinct bodies a closed-loop run may use before it would repeat one
POOL = 200  # texts of the repeated pool
WARM_UP = 50  # texts sent to each server before any run (first-request authorization), not counted


def distinct_bodies(folder: Path, n: int, seed: int = 5) -> list[bytes]:
    """n `/define` bodies, each a different text from a different person (typos, questions, open ones)."""
    from bot.glossary.load import load_glossary

    terms = load_glossary(folder).terms
    names = sorted(t.term for t in terms)
    prose = sorted({w for t in terms[:500] for w in t.short_def.lower().split() if w.isalpha()})
    texts = distinct_texts(names, prose, n, seed=seed)
    random.Random(seed).shuffle(texts)
    return [command_body(t, f"UD{i:08d}").encode() for i, t in enumerate(texts)]


def memory(pid: int) -> dict[str, float]:
    """VmRSS and its parts (MB): RssAnon is the worker's own; RssFile is mapped files (the saved index's
    vectors, the model's table, libraries), shared with every other process that maps them."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def starts(env: dict[str, str], data: Path, workers: int | None, threads: int | None) -> dict[str, float]:
    shutil.rmtree(data, ignore_errors=True)
    out = {}
    with serving.Server(serving.BOT_APP, env, workers, threads).start(900) as cold:
        out["cold_s"] = cold.ready_s
    with serving.Server(serving.BOT_APP, env, workers, threads).start(240) as warm:
        out["warm_s"] = warm.ready_s
    with serving.Server(serving.BARE_APP, env, workers, threads).start(240) as bare:
        out["bare_s"] = bare.ready_s
    return out


def measure(
    work: Path, size: int, api_url: str, env_for, workers=None, threads=None, rounds: int = 3, seconds: float = 2.0
) -> dict:
    folder = glossary(work, size)
    data = work / f"data-{size}-distinct"
    env = env_for(data, folder, api_url)
    out: dict = {"terms": size, **starts(env, data, workers, threads)}
    names = ("bot", "bare", "bare_inline")
    windows = 2 * rounds * len(names) + 2
    bodies = distinct_bodies(folder, max(WINDOW * windows, MEMORY_AFTER) + POOL + WARM_UP)
    # The pool and the warm-up come from the end, never from a distinct run's window: a pool text the first
    # distinct run had sent was already answered, and whether its answer was still kept then decided the
    # pool's figure (how many answers the bot keeps, not how fast it answers a repeated text).
    pool, warm_up = bodies[-POOL - WARM_UP : -WARM_UP], bodies[-WARM_UP:]
    servers = {
        "bot": serving.Server(serving.BOT_APP, env, workers, threads).start(240),
        "bare": serving.Server(serving.BARE_APP, env, workers, threads).start(240),
        "bare_inline": serving.Server(BARE_INLINE_APP, env, workers, threads).start(240),
    }
    try:
        window = iter(range(windows))
        used = 0

        def fresh() -> list[bytes]:
            nonlocal used
            used = next(window) + 1
            return bodies[(used - 1) * WINDOW : used * WINDOW]

        sent = 0  # distinct requests the bot has answered
        for port in (s.port for s in servers.values()):  # first-request authorization; not counted
            serving.closed_loop(port, warm_up, 2, 0.3)
        for kind in ("distinct", "pool"):
            if kind == "pool":  # each pool text answered once, untimed: the runs then repeat texts, as named
                for name in names:
                    serving.closed_loop(servers[name].port, pool, 8, 600, once=True)
            runs = {name: serving.Run() for name in names}
            for r in range(rounds):
                order = names if r % 2 == 0 else names[::-1]
                for name in order:
                    sent_bodies = fresh() if kind == "distinct" else pool
                    run = serving.closed_loop(servers[name].port, sent_bodies, 8, seconds)
                    runs[name].add(run)
                    sent += len(run.latencies_ms) if name == "bot" and kind == "distinct" else 0
                    if len(run.latencies_ms) > WINDOW and kind == "distinct":
                        out["note"] = f"a run sent more than {WINDOW} requests: some texts were sent twice"
            for name, run in runs.items():
                out[f"{kind}_{name}_rps"] = round(run.rps, 1)
                out[f"{kind}_{name}_median_ms"] = round(run.median, 2)
                out[f"{kind}_{name}_p99_ms"] = round(run.p99, 2)
                out[f"{kind}_{name}_errors"] = run.errors
        bot = servers["bot"]
        out["memory_at_start"] = [memory(p) for p in bot.worker_pids()]
        out["distinct_requests_before_first_memory"] = sent
        # Top up to MEMORY_AFTER distinct requests in all, from windows no run used (this once took the last
        # window alone, 6,000 texts, and the figure said 20,000 after about 8,500).
        rest = bodies[used * WINDOW : -POOL - WARM_UP][: max(0, MEMORY_AFTER - sent)]
        if rest:
            sent += len(serving.closed_loop(bot.port, rest, 8, 600, once=True).latencies_ms)
        out["distinct_requests_before_memory"] = sent
        out["memory_after"] = [memory(p) for p in bot.worker_pids()]
        out["bare_memory"] = [memory(p) for p in servers["bare"].worker_pids()]
    finally:
        for s in servers.values():
            s.stop()
    return out


def table(f: dict) -> str:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    lines = [
        f"### served, {f['terms']} terms, c8 (distinct texts first)",
        "",
        "| figure | bot | bare Bolt | bot / bare | bare, no ack poll | bot / no poll |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, label in (("distinct", "every text and person new"), ("pool", "repeated pool of 200")):
        b, s, i = (f[f"{kind}_{n}_rps"] for n in ("bot", "bare", "bare_inline"))
        lines.append(f"| /define rps, {label} | {b} | {s} | {ratio(b, s)} | {i} | {ratio(b, i)} |")
        b, s, i = (f[f"{kind}_{n}_p99_ms"] for n in ("bot", "bare", "bare_inline"))
        lines.append(f"| /define p99 ms, {label} | {b} | {s} | {ratio(b, s)} | {i} | {ratio(b, i)} |")
    lines.append(f"| start to healthy, cold / warm (s) | {f['cold_s']:.2f} / {f['warm_s']:.2f} | {f['bare_s']:.2f} |")
    runs = f"after the timed runs ({f.get('distinct_requests_before_first_memory', '?')} distinct requests)"
    after = f"after {f['distinct_requests_before_memory']} distinct requests"
    for label, key in ((runs, "memory_at_start"), (after, "memory_after")):
        for m in f[key]:
            lines.append(
                f"| worker MB {label}: RSS (private + mapped files) | {m['VmRSS']} ({m['RssAnon']} + {m['RssFile']}) "
                f"| {f['bare_memory'][0]['VmRSS']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from tests.e2e.harness import FakeSlack

    from .__main__ import env_for

    parser = argparse.ArgumentParser(prog="python -m bench.distinct", description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="glossary-distinct-"))
    work.mkdir(parents=True, exist_ok=True)
    fake = FakeSlack().start()
    try:
        figures = measure(work, args.terms, fake.api_url, env_for, rounds=args.rounds, seconds=args.seconds)
    finally:
        fake.stop()
    print(table(figures))
    print(figures, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
