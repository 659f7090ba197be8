"""Lookup quality and latency per category of query, on the bundled glossary and on 10,000 generated terms.

    python -m bench.quality                 # both glossaries
    python -m bench.quality --terms 2000    # a smaller generated glossary
    BENCH_BOT_PATH=/path/to/old/checkout python -m bench.quality   # the same figures for older code

Rates: top1 = the expected term first; top3 = among the first three; hit = answered with the expected
card outright; wrong = a confident answer (a hit or a comparison) on a term not expected; miss = a clean
miss (what "junk" and "lacks" should get). Latency is per lookup, median and 99th percentile, in ms.
The labelled sets are bench/quality/*.yaml; tests/test_lookup_quality.py holds the rates they reach.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

if os.environ.get("BENCH_BOT_PATH"):
    sys.path.insert(0, os.environ["BENCH_BOT_PATH"])

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "quality"
CATEGORIES = ("exact", "variants", "typos", "inflections", "questions", "acronyms", "junk", "lacks")
SETS = {
    "bundled": ("bundled_derived.yaml", "bundled_hand.yaml", "common.yaml"),
    "generated": ("generated.yaml", "common.yaml"),
}


def labels(name: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in SETS[name]:
        out += yaml.safe_load((HERE / file).read_text(encoding="utf-8"))
    return out


def held_out(query: str) -> bool:
    """About a third of the queries, fixed by their text: never looked at while calibrating."""
    return hashlib.sha256(query.encode()).digest()[0] < 86


def asker(glossary: Any) -> Callable[[str], Any]:
    """The mention/DM answer: `bot.answers.ask.answer_question` now; what `Runtime.define` did before issue 8."""
    try:
        from bot.answers.ask import answer_question

        return lambda text: answer_question(glossary, text).result
    except ImportError:
        from bot.answers.ask import parse_question

        def old(text: str) -> Any:
            ask = parse_question(text)
            if ask.full_text and ask.full_text != ask.text:
                whole = glossary.resolve(ask.full_text)
                if whole.status == "hit":
                    return whole
            return glossary.find(ask.text or text)

        return old


def evaluate(glossary: Any, queries: list[dict[str, Any]], *, only_held_out: bool | None = None) -> dict[str, dict]:
    """Per category: counts of each outcome and the latencies."""
    ask = asker(glossary)
    stats: dict[str, dict] = defaultdict(lambda: defaultdict(float, times=[]))
    for item in queries:
        query, expected, category = item["query"], item["expected"], item["category"]
        if only_held_out is not None and held_out(query) != only_held_out:
            continue
        if expected == "miss" and glossary.resolve(query).status != "miss":
            continue  # this glossary defines it: not a term it lacks
        lookup = ask if item.get("path") == "ask" else glossary.find
        start = time.perf_counter()
        result = lookup(query)
        elapsed = (time.perf_counter() - start) * 1000
        s = stats[category]
        s["times"].append(elapsed)
        s["n"] += 1
        slugs = [m.term.slug for m in result.matches]
        confident = result.status in ("hit", "comparison")
        if expected == "miss":
            s["miss"] += result.status == "miss"
            s["wrong"] += confident
            continue
        s["top1"] += bool(slugs) and slugs[0] in expected
        s["top3"] += any(x in expected for x in slugs[:3])
        shown = slugs[:2] if result.status == "comparison" else slugs[:1]  # what a confident answer shows
        s["hit"] += confident and all(x in expected for x in shown)
        s["wrong"] += confident and not all(x in expected for x in shown)
    return stats


def rates(stats: dict[str, dict]) -> dict[str, dict[str, float]]:
    out = {}
    for category in CATEGORIES:
        s = stats.get(category)
        if not s or not s["n"]:
            continue
        times = sorted(s["times"])
        out[category] = {
            "n": s["n"],
            **{k: s[k] / s["n"] for k in ("top1", "top3", "hit", "wrong", "miss")},
            "median_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        }
    return out


def table(title: str, r: dict[str, dict[str, float]], holdout: dict[str, dict[str, float]]) -> str:
    lines = [
        f"### {title}",
        "",
        "| category | n | top-1 | top-3 | hit | confident-wrong | clean miss | held-out top-1 / miss "
        "| median ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for category, x in r.items():
        h = holdout.get(category, {})
        held = h.get("miss" if category in ("junk", "lacks") else "top1", 0.0)
        lines.append(
            f"| {category} | {x['n']} | {x['top1']:.0%} | {x['top3']:.0%} | {x['hit']:.0%} | {x['wrong']:.1%} "
            f"| {x['miss']:.0%} | {held:.0%} | {x['median_ms']:.3f} | {x['p99_ms']:.3f} |"
        )
    return "\n".join(lines)


def bundled_glossary(workdir: Path) -> Any:
    from bot.glossary.live import open_glossary

    return open_glossary(ROOT / "data" / "terms", workdir / "bundled.db")[0]


def generated_glossary(workdir: Path, count: int) -> Any:
    from bench.generate import write
    from bot.glossary.live import open_glossary

    terms = workdir / f"generated-{count}"
    if not terms.exists():
        write(terms, count)
    return open_glossary(terms, workdir / f"generated-{count}.db")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000, help="size of the generated glossary")
    parser.add_argument("--workdir", help="where to keep the generated glossary between runs")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-quality-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for name, glossary in (
        ("bundled glossary ({n} terms)", bundled_glossary(workdir)),
        ("generated glossary ({n} terms)", generated_glossary(workdir, args.terms)),
    ):
        queries = labels("bundled" if name.startswith("bundled") else "generated")
        evaluate(glossary, queries[:50])  # warm caches, as a running bot has
        all_rates = rates(evaluate(glossary, queries))
        held = rates(evaluate(glossary, queries, only_held_out=True))
        print(table(name.format(n=len(glossary)), all_rates, held))
        print()


if __name__ == "__main__":
    main()
