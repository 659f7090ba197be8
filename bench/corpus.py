"""Glossaries and queries for the benchmark: bench/generate.py's realistic glossaries, and the labelled
queries of bench/quality (typos, questions, exact names, junk) that apply to a glossary of that size.

Every part of `python -m bench` asks here, so all see the same glossary of a size and the same queries.
Glossaries are written once per work folder (50,000 files take a while).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import generate
from .labels import QUESTIONS

QUALITY = Path(__file__).parent / "quality"


@dataclass
class Queries:
    exact: list[str] = field(default_factory=list)
    typo: list[str] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)


def glossary(work: Path, terms: int) -> Path:
    """A folder of `terms` generated term files (the first N of any bigger one, see generate.py)."""
    folder = work / f"terms-{terms}"
    done = folder / ".complete"
    if not done.exists():
        generate.write(folder, terms)
        done.write_text("ok")
    return folder


def _labelled(file: str) -> list[dict]:
    return yaml.safe_load((QUALITY / file).read_text(encoding="utf-8")) or []


def queries(slugs: set[str], count: int, seed: int = 1) -> Queries:
    """Up to `count` labelled queries of each kind whose expected term is in the glossary (junk for any)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[str]] = {"exact": [], "typos": [], "questions": []}
    for item in _labelled("generated.yaml"):
        if item["category"] in by_kind and set(item.get("expected") or ()) <= slugs:
            by_kind[item["category"]].append(str(item["query"]))
    junk = [str(i["query"]) for i in _labelled("common.yaml") if i["category"] in ("junk", "lacks")]

    def pick(items: list[str]) -> list[str]:
        # Repeat a short list (a small glossary has few labelled terms) rather than time a handful of queries.
        return [items[i % len(items)] for i in range(count)] if items else []

    # Questions that name a term, for timing only (their quality is measured on hand-written sets): the
    # templates bench/labels.py once wrote into the labelled files, around the exact names.
    by_kind["questions"] = [rng.choice(QUESTIONS).format(x=name) for name in by_kind["exact"]]
    for items in (*by_kind.values(), junk):
        rng.shuffle(items)
    return Queries(pick(by_kind["exact"]), pick(by_kind["typos"]), pick(by_kind["questions"]), pick(junk))
