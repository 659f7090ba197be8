"""Glossaries and queries for the benchmark: bench/generate.py's realistic ones when present.

Kept apart so that every part of `python -m bench` asks for the same glossary of a size and the same
queries, cached on disk under the work folder (generating 50,000 files takes a while).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Queries:
    exact: list[str] = field(default_factory=list)
    typo: list[str] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)


def glossary(work: Path, terms: int, seed: int = 7) -> Path:
    """A folder of `terms` realistic term files (written once per work folder)."""
    folder = work / f"terms-{terms}"
    done = folder / ".complete"
    if done.exists():
        return folder
    try:
        from . import generate  # the lookup work's realistic generator

        generate.write_glossary(folder, terms, seed=seed)
    except ImportError:
        from .bench_glossary import generate as simple

        simple(folder, terms, seed=seed)
    done.write_text("ok")
    return folder


def queries(folder: Path, names: list[tuple[str, tuple[str, ...]]], count: int, seed: int = 1) -> Queries:
    """Queries for a glossary: generate.py's when it has them, else typos and questions built from the names."""
    try:
        from . import generate

        q = generate.queries(folder, count, seed=seed)
        return Queries(list(q["exact"]), list(q["typo"]), list(q["question"]), list(q["junk"]))
    except (ImportError, AttributeError, KeyError, TypeError):
        pass
    rng = random.Random(seed)
    picked = [rng.choice(names) for _ in range(count)]
    return Queries(
        exact=[n for n, _ in picked],
        typo=[_typo(n, rng) for n, _ in picked],
        question=[f"what is the {n.split()[0]} used for in {n.split()[-1]}" for n, _ in picked],
        junk=[rng.choice(["kubernetes", "pizza recipe", "zzqx wibble", "how do I reset my password"]) for _ in picked],
    )


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text + "x"
    i = rng.randrange(1, len(text) - 2)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]
