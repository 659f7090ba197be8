"""A realistic generated glossary, for benchmarks at any size (40..50,000 terms). Deterministic for a seed.

    python -m bench.generate OUT_DIR --terms 10000 [--seed 8]

Terms are generated one after another from one random stream, so the first N terms of a big glossary
are the N terms of a small one: labels written for a small glossary still hold for a big one.
Names are multiword technical phrases; some list their acronym as an alias, others do not; definitions
are built from many sentence shapes so full-text search meets varied text, never one repeated sentence.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

import yaml

MODIFIERS = """adaptive sparse dense latent causal contrastive federated hierarchical probabilistic robust
streaming incremental multilingual bayesian differentiable quantised low-rank mixed-precision speculative
recursive hybrid modular continual offline online synthetic semantic lexical neural symbolic distributed
asynchronous private calibrated grounded structured multimodal autoregressive bidirectional""".split()
SUBJECTS = """token vector graph memory policy reward gradient attention encoder decoder retrieval context
prompt embedding feature label dataset query document agent tool schema kernel tensor shard replica
pipeline cache index batch sequence layer expert router sampler critic planner verifier evaluator
guard filter signal preference instruction citation""".split()
HEADS = """routing caching distillation pruning estimation scheduling compression alignment tuning
decoding ranking indexing sampling filtering monitoring logging auditing labelling optimisation
normalisation regularisation augmentation benchmarking tracing drift leakage poisoning injection
collapse matching scoring search fusion clipping masking""".split()
ACTIONS = """reduces speeds up stabilises improves bounds measures detects limits explains controls""".split()
OBJECTS = """latency memory use training cost error rates variance recall precision throughput hallucinated
answers data leakage bias in outputs serving cost drift over time unsafe completions""".split(" ")
OPENERS = (
    "A technique in which {subject} {verb} {obj} by {how}.",
    "An approach that {verb} {obj} through {how}.",
    "The practice of {how} so that a system {verb} {obj}.",
    "A method used in {area} that {verb} {obj}.",
    "A measure of how well {subject} {verb} {obj} under load.",
    "A failure mode where {subject} quietly stops tracking {obj}.",
)
HOWS = (
    "reusing {w} states across requests",
    "splitting the {w} into smaller parts",
    "scoring each {w} before it is used",
    "keeping a running estimate of the {w}",
    "training a small model on the {w}",
    "filtering the {w} with a learned threshold",
    "routing each {w} to the cheapest component",
    "comparing every {w} against a reference set",
)
AREAS = """retrieval systems, model serving, evaluation pipelines, agent frameworks, training runs, data
governance, safety reviews, search ranking, model monitoring, fine-tuning jobs""".split(", ")
DETAILS = (
    "Teams usually adopt it once {obj} becomes the main constraint.",
    "It trades some accuracy for a large saving in {obj}.",
    "Engineers tune it with a held-out set and watch {obj} closely.",
    "It is often confused with {other}, which works on a different part of the system.",
    "Most implementations expose a single knob that sets how aggressive it is.",
    "Its effect is easiest to see on long inputs and small hardware budgets.",
    "Reviewers ask for evidence that it does not hide regressions in {obj}.",
    "Vendors describe it differently, so check what a product actually does.",
    "It was first described for {area} and later adopted elsewhere.",
    "Without it, {subject} tends to degrade as traffic grows.",
    "The idea is simple, but getting the thresholds right takes measurement.",
    "Logging its decisions makes later audits far easier.",
)


def _name(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.35:
        return f"{rng.choice(SUBJECTS)} {rng.choice(HEADS)}"
    if shape < 0.8:
        return f"{rng.choice(MODIFIERS)} {rng.choice(SUBJECTS)} {rng.choice(HEADS)}"
    return f"{rng.choice(MODIFIERS)} {rng.choice(SUBJECTS)} {rng.choice(SUBJECTS)} {rng.choice(HEADS)}"


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split()).upper()


def _sentences(rng: random.Random, name: str, other: str, count: int) -> str:
    words = name.replace("-", " ").split()
    fill = {
        "subject": f"the {rng.choice(SUBJECTS)} {rng.choice(['layer', 'store', 'stage', 'service'])}",
        "verb": rng.choice(ACTIONS),
        "obj": rng.choice(OBJECTS),
        "area": rng.choice(AREAS),
        "other": other,
    }
    fill["how"] = rng.choice(HOWS).format(w=rng.choice(words))
    out = [rng.choice(OPENERS).format(**fill)]
    for detail in rng.sample(DETAILS, count):
        fill["obj"] = rng.choice(OBJECTS)
        out.append(detail.format(**fill))
    return " ".join(out)


def terms(count: int, seed: int = 8) -> Iterator[dict[str, object]]:
    """`count` term records (the 15 keys), the same first ones for the same seed at any count."""
    rng = random.Random(seed)
    names: set[str] = set()
    acronyms: set[str] = set()
    previous = "prompt caching"
    while len(names) < count:
        name = _name(rng)
        if name in names:
            continue
        names.add(name)
        acronym = _acronym(name)
        # A third of the longer names list their acronym (only if no other term has it); the rest leave it unlisted.
        listed = len(name.split()) >= 3 and rng.random() < 0.33 and acronym not in acronyms
        if listed:
            acronyms.add(acronym)
        words = name.split()
        aliases = [acronym] if listed else [f"{words[-1]} of {' '.join(words[:-1])}"]
        yield {
            "term": name,
            "aliases": aliases,
            "categories": [rng.choice(["Foundations", "LLM Core", "Retrieval & RAG", "Operations & Monitoring"])],
            "roles": rng.sample(["product", "engineering", "data_science", "policy", "security"], 2),
            "part_of_speech": "noun_phrase",
            "short_def": _sentences(rng, name, previous, 0),
            "long_def": _sentences(rng, name, previous, 7),
            "audiences": {
                "exec": _sentences(rng, name, previous, 1),
                "engineer": _sentences(rng, name, previous, 1),
            },
            "examples": {"do": [f"Measure {name} before and after the change."], "dont": ["Do not skip the review."]},
            "governance": {"nist_rmf_tags": ["validity"], "risk_notes": "Generated for benchmarks."},
            "relationships": {"broader": [], "narrower": [], "related": [previous]},
            "citations": [{"source": "Generated", "url": "https://example.org/generated"}],
            "license": "CC BY-SA 4.0",
            "status": "approved",
            "last_reviewed": "2026-01-15",
        }
        previous = name


def write(directory: Path, count: int, seed: int = 8) -> list[dict[str, object]]:
    directory.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    made = list(terms(count, seed))
    for data in made:
        slug = str(data["term"]).replace(" ", "-")
        (directory / f"{slug}.yml").write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--terms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    write(Path(args.out), args.terms, args.seed)


if __name__ == "__main__":
    main()
