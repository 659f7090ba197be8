"""Glossary build time and lookup latency, bundled and at 10,000 terms. Prints figures; is no test.

    python -m bench.bench_glossary            # from the repository root; pinned to one core
    python -m bench.bench_glossary --terms 2000 --queries 200   # quicker

Fuzzy lookup is compared with difflib.get_close_matches over the same normalised names and aliases,
run in the same process on the same queries: the ratio is what to read, not the absolute times.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from bot.glossary.db import ensure_built
from bot.glossary.live import open_glossary
from bot.glossary.names import normalise
from tests.paths import BUNDLED_TERMS
from tests.termfactory import term_data

from .lookups import timed

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # 10,000 files: the C dumper saves most of a minute

VOCAB = """adaptive sparse dense latent causal contrastive federated hierarchical probabilistic robust
token vector graph memory policy reward gradient attention encoder decoder adapter router cache index
sampler ranker planner critic verifier tokenizer scheduler optimizer evaluator monitor guard filter
shard replica pipeline buffer kernel tensor prompt context window budget drift bias signal label
feature head layer block mixture expert retrieval grounding alignment distillation pruning""".split()


def generate(directory: Path, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    names: set[str] = set()
    while len(names) < count:
        names.add(" ".join(rng.sample(VOCAB, rng.choice((2, 3)))) + f" {rng.randint(1, 999)}")
    long_def = " ".join(["Generated text that stands in for a real long definition of a glossary term."] * 8)
    for name in sorted(names):
        words = name.split()
        # The tests' valid term, bent into a family of related, searchable names.
        data = term_data(
            name,
            aliases=["".join(w[0] for w in words).upper() + words[-1], f"{name} method"],
            short_def=f"A generated term about {words[0]} and {words[1]}.",
            long_def=long_def,
            audiences={"exec": f"Why {name} matters.", "engineer": f"How {name} works."},
            governance={},
            relationships={"related": [rng.choice(sorted(names))]},
            citations=[{"source": "Example", "url": "https://example.org"}],
        )
        slug = name.replace(" ", "-")
        (directory / f"{slug}.yml").write_text(yaml.dump(data, Dumper=DUMPER, sort_keys=False))
    return sorted(names)


def typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if rng.random() < 0.5 else text[:i] + text[i + 1 :]


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"median {statistics.median(samples):7.3f} ms   p99 {p99:7.3f} ms   (n={len(samples)})"


def bench(label: str, terms_dir: Path, work: Path, queries: int) -> None:
    db = work / f"{label}.db"
    start = time.perf_counter()
    report = ensure_built(terms_dir, db)
    build = time.perf_counter() - start
    start = time.perf_counter()
    again = ensure_built(terms_dir, db)
    restart = time.perf_counter() - start
    glossary, _ = open_glossary(terms_dir, db)
    print(f"\n== {label}: {report.terms} terms")
    print(f"build                  {build:8.2f} s")
    print(f"restart, unchanged     {restart:8.3f} s   rebuilt={again.rebuilt}")

    rng = random.Random(1)
    terms = list(glossary.terms.values())
    sample = [rng.choice(terms) for _ in range(queries)]
    kinds = {
        "name": [t.term.upper() for t in sample],
        "alias": [t.aliases[0] for t in sample],
        "squashed": [t.term.replace(" ", "").replace("-", "") for t in sample],
        "fuzzy (typo)": [typo(t.term, rng) for t in sample],
        "search (question)": [
            f"what does {t.short_def.split()[-1].strip('.')} do for a {t.term.split()[0]}" for t in sample
        ],
        "miss": ["kubernetes", "pizza", "zzqx wibble"] * (queries // 3),
    }
    for kind, items in kinds.items():
        results = [glossary.find(q) for q in items]
        statuses = {r.status for r in results}
        print(f"lookup {kind:18} {summary(timed(glossary.find, items))}   statuses={sorted(statuses)}")

    keys = glossary._choice_keys
    typos = [normalise(q) for q in kinds["fuzzy (typo)"]]
    ours = timed(glossary._fuzzy, typos)
    theirs = timed(lambda q: difflib.get_close_matches(q, keys, n=5, cutoff=0.75), typos[: max(10, queries // 10)])
    top1 = sum(
        glossary.find(q).matches[:1] and glossary.find(q).matches[0].term.slug == t.slug
        for q, t in zip(kinds["fuzzy (typo)"], sample, strict=True)
    ) / len(sample)
    print(f"fuzzy rapidfuzz        {summary(ours)}   right term first: {top1:.0%}")
    print(f"fuzzy difflib          {summary(theirs)}")
    print(f"rapidfuzz vs difflib   {statistics.median(theirs) / statistics.median(ours):8.1f}x faster (medians)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the targets are for one core
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if any(BUNDLED_TERMS.glob("*.yml")):
            bench("bundled", BUNDLED_TERMS, work, args.queries)
        start = time.perf_counter()
        generate(work / "generated", args.terms)
        print(f"\n(generated {args.terms} term files in {time.perf_counter() - start:.1f} s)")
        bench(f"generated-{args.terms}", work / "generated", work, args.queries)


if __name__ == "__main__":
    main()
