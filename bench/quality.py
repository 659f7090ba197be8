"""Lookup quality and latency per category of query, on the bundled glossary, a second glossary written by
hand in another domain (cloud operations), and 10,000 generated terms.

    python -m bench.quality                 # every glossary
    python -m bench.quality --terms 2000    # a smaller generated glossary
    BENCH_BOT_PATH=/path/to/old/checkout python -m bench.quality   # the same figures for older code
    MEANING_LANE=off python -m bench.quality                       # without the meaning lane

Two kinds of query sets:
- bench/quality/*.yaml: derived from the names (exact, variants, typos, inflections, acronyms) and the
  hand-written junk and terms a glossary lacks, as `/define` reads them;
- bench/quality/hand/*.yaml: written by hand the way people type in Slack (descriptions without the term's
  name, near-synonyms, typos inside questions, short texts, non-native phrasing, comparisons, several terms in
  one message, small talk, terms the glossary lacks), as a mention reads them. Each glossary has a
  development file (looked at while tuning) and a held-out file (never looked at), reported apart.

Rates: top1 = the expected term first; top3 = among the first three; hit = answered with the expected
card outright; wrong = a confident answer (a hit or a comparison) on a term not expected; miss = a clean
miss (what junk, small talk and absent terms should get; a miss may list closest terms); reach3 = an
expected term among the first three shown, a miss's closest terms included. Latency is per lookup, median
and 99th percentile, in ms. tests/test_lookup_quality.py holds the rates these sets reach.
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
HAND = HERE / "hand"
CLOUD_OPS = HERE / "glossaries" / "cloud-ops" / "terms"
WORD_CATEGORIES = ("exact", "variants", "typos", "inflections", "questions", "acronyms", "junk", "lacks")
HAND_CATEGORIES = (
    "describe", "misconception", "typoq", "short", "nonnative", "comparison", "multiterm", "smalltalk", "absent",
)  # fmt: skip
CATEGORIES = WORD_CATEGORIES + HAND_CATEGORIES
MISS_CATEGORIES = ("junk", "lacks", "smalltalk", "absent")
SETS = {
    "bundled": ("bundled_derived.yaml", "bundled_hand.yaml", "common.yaml"),
    "generated": ("generated.yaml", "common.yaml"),
}
# The hand-written sets per glossary: development files, then held-out ones.
HAND_SETS = {
    "bundled": (("bundled-outside.yaml", "bundled-dev.yaml", "bundled-offtopic.yaml"), ("bundled-heldout.yaml",)),
    "cloud-ops": (("cloud-ops-dev.yaml", "cloud-ops-offtopic.yaml"), ("cloud-ops-heldout.yaml",)),
}


def labels(name: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in SETS[name]:
        out += yaml.safe_load((HERE / file).read_text(encoding="utf-8"))
    return out


def hand_labels(name: str, part: str) -> list[dict[str, Any]]:
    """A glossary's hand-written queries, `part` "dev" or "heldout", in the shape evaluate() reads."""
    files = HAND_SETS[name][0 if part == "dev" else 1]
    out: list[dict[str, Any]] = []
    for file in files:
        for q in yaml.safe_load((HAND / file).read_text(encoding="utf-8"))["queries"]:
            out.append({"query": q["q"], "expected": q["expect"] or "miss", "category": q["kind"], "path": "ask"})
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
        if expected == "miss" and category in ("junk", "lacks") and glossary.resolve(query).status != "miss":
            continue  # this glossary defines it: not a term it lacks
        lookup = ask if item.get("path") == "ask" else glossary.find
        start = time.perf_counter()
        result = lookup(query)
        elapsed = (time.perf_counter() - start) * 1000
        s = stats[category]
        s["times"].append(elapsed)
        s["n"] += 1
        slugs = [m.term.slug for m in result.matches]
        closest = [m.term.slug for m in getattr(result, "closest", ())]
        confident = result.status in ("hit", "comparison")
        if expected == "miss":
            s["miss"] += result.status == "miss"
            s["wrong"] += confident
            continue
        s["top1"] += bool(slugs) and slugs[0] in expected
        s["top3"] += any(x in expected for x in slugs[:3])
        s["reach3"] += any(x in expected for x in (slugs or closest)[:3])
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
            **{k: s[k] / s["n"] for k in ("top1", "top3", "reach3", "hit", "wrong", "miss")},
            "median_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        }
    return out


def table(title: str, r: dict[str, dict[str, float]], holdout: dict[str, dict[str, float]]) -> str:
    """One glossary's word-lane categories, with the held-out third (by a hash of the text) beside them."""
    lines = [
        f"### {title}",
        "",
        "| category | n | top-1 | top-3 | hit | confident-wrong | clean miss | held-out top-1 / miss "
        "| median ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for category, x in r.items():
        h = holdout.get(category, {})
        held = h.get("miss" if category in MISS_CATEGORIES else "top1", 0.0)
        lines.append(
            f"| {category} | {x['n']} | {x['top1']:.0%} | {x['top3']:.0%} | {x['hit']:.0%} | {x['wrong']:.1%} "
            f"| {x['miss']:.0%} | {held:.0%} | {x['median_ms']:.3f} | {x['p99_ms']:.3f} |"
        )
    return "\n".join(lines)


def hand_table(title: str, parts: dict[str, dict[str, dict[str, float]]]) -> str:
    """The hand-written sets of one glossary: development and held-out side by side, one row per kind."""
    lines = [
        f"### {title}",
        "",
        "| kind | n dev / held-out | top-1 | top-3 | reach-3 | clean miss | confident-wrong | median ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    dev, held = parts["dev"], parts["heldout"]
    for kind in HAND_CATEGORIES:
        d, h = dev.get(kind), held.get(kind)
        if not d and not h:
            continue
        d = d or {}
        h = h or {}

        def pair(key: str, d: dict[str, float] = d, h: dict[str, float] = h) -> str:
            return " / ".join(f"{x[key]:.0%}" if x else "-" for x in (d, h))

        found = kind not in MISS_CATEGORIES
        lines.append(
            f"| {kind} | {int(d.get('n', 0))} / {int(h.get('n', 0))} "
            f"| {pair('top1') if found else ''} | {pair('top3') if found else ''} "
            f"| {pair('reach3') if found else ''} | {'' if found else pair('miss')} | {pair('wrong')} "
            f"| {d.get('median_ms', 0):.3f} | {d.get('p99_ms', 0):.3f} |"
        )
    return "\n".join(lines)


def hand_rates(glossary: Any, name: str) -> dict[str, dict[str, dict[str, float]]]:
    return {part: rates(evaluate(glossary, hand_labels(name, part))) for part in ("dev", "heldout")}


def bundled_glossary(workdir: Path) -> Any:
    from bot.glossary.live import open_glossary

    return open_glossary(ROOT / "data" / "terms", workdir / "bundled.db")[0]


def cloud_ops_glossary(workdir: Path) -> Any:
    from bot.glossary.live import open_glossary

    return open_glossary(CLOUD_OPS, workdir / "cloud-ops.db")[0]


def generated_glossary(workdir: Path, count: int) -> Any:
    from bench.generate import write
    from bot.glossary.live import open_glossary

    terms = workdir / f"generated-{count}"
    if not terms.exists():
        write(terms, count)
    return open_glossary(terms, workdir / f"generated-{count}.db")[0]


def switch_meaning_lane() -> str:
    """MEANING_LANE=off turns the meaning lane off here as in the bot (older code has no lane to switch)."""
    try:
        from bot.glossary import meaning
    except ImportError:
        return "no meaning lane (older code)"
    on = os.environ.get("MEANING_LANE", "on").strip().lower() not in ("off", "0", "false", "no")
    meaning.switch(on)
    return "meaning lane on" if on else "meaning lane off"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000, help="size of the generated glossary")
    parser.add_argument("--workdir", help="where to keep the generated glossary between runs")
    args = parser.parse_args()
    print(f"({switch_meaning_lane()})\n")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-quality-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bundled = bundled_glossary(workdir)
    for name, glossary in (("bundled", bundled), ("cloud-ops", cloud_ops_glossary(workdir))):
        evaluate(glossary, hand_labels(name, "dev")[:50])  # warm caches, as a running bot has
        title = f"{name} glossary ({len(glossary)} terms): written by hand, development / held-out"
        print(hand_table(title, hand_rates(glossary, name)))
        print()
    for name, glossary in (
        ("bundled glossary ({n} terms): names, typed as /define reads them", bundled),
        ("generated glossary ({n} terms): names, typed as /define reads them", generated_glossary(workdir, args.terms)),
    ):
        queries = labels("bundled" if name.startswith("bundled") else "generated")
        evaluate(glossary, queries[:50])
        all_rates = rates(evaluate(glossary, queries))
        held = rates(evaluate(glossary, queries, only_held_out=True))
        print(table(name.format(n=len(glossary)), all_rates, held))
        print()


if __name__ == "__main__":
    main()
