"""Writes the derivable part of the labelled query sets (bench/quality/*.yaml). Deterministic for a seed.

    python -m bench.labels

Exact names, separator/case/Unicode variants, typos, inflections and unlisted acronyms are
derived from the terms by rules a person's typing follows; junk and real terms a glossary lacks are
hand-written in bench/quality/common.yaml and shared by both sets. Questions, descriptions, near-synonyms,
small talk and the rest are written by hand in bench/quality/hand/ (see bench/quality.py).
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from bench.generate import terms as generated_terms
from bot.glossary.model import slugify

HERE = Path(__file__).parent / "quality"
ROOT = Path(__file__).resolve().parents[1]
KEYS = "qwertyuiop asdfghjkl zxcvbnm".split()
QUESTIONS = (
    "what is {x}?", "what's {x}", "whats a {x}", "can you explain {x}", "tell me about {x}",
    "what does {x} mean?", "explain {x} to me please", "hey, what is {x}", "I keep hearing about {x}",
    "what's {x} again?", "define {x}", "what are {x}s",
)  # fmt: skip


def _neighbour(rng: random.Random, ch: str) -> str:
    for row in KEYS:
        i = row.find(ch)
        if i >= 0:
            return row[max(0, i - 1)] if rng.random() < 0.5 and i > 0 else row[min(len(row) - 1, i + 1)]
    return ch


def typo(rng: random.Random, text: str, edits: int) -> str:
    for _ in range(edits):
        letters = [i for i, c in enumerate(text) if c.isalpha() and 0 < i < len(text) - 1]
        i = rng.choice(letters)
        kind = rng.choice(["swap", "drop", "double", "near"])
        if kind == "swap" and text[i + 1].isalpha():
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif kind == "drop":
            text = text[:i] + text[i + 1 :]
        elif kind == "double":
            text = text[:i] + text[i] + text[i:]
        else:
            text = text[:i] + _neighbour(rng, text[i]) + text[i + 1 :]
    return text


def variant(rng: random.Random, name: str) -> str:
    kind = rng.choice(["upper", "title", "hyphen", "underscore", "dash", "wide", "punct", "spaces"])
    if kind == "upper":
        return name.upper()
    if kind == "title":
        return name.title()
    if kind == "hyphen":
        return name.replace(" ", "-")
    if kind == "underscore":
        return name.replace(" ", "_").replace("-", "_")
    if kind == "dash":
        return name.replace(" ", "\u2013").replace("-", "\u2013")
    if kind == "wide":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    if kind == "punct":
        return f"“{name}”?"
    return f"  {name.replace(' ', '   ')} "


def inflect(name: str) -> str | None:
    words = name.split()
    last = words[-1]
    for a, b in (("isation", "ization"), ("ization", "isation"), ("ise", "ize")):
        if a in last:
            return " ".join([*words[:-1], last.replace(a, b)])
    if last.endswith("ing"):
        return " ".join([*words[:-1], last[:-3] + ("ed" if not last.endswith("eing") else "ed")])
    if last.endswith("y"):
        return " ".join([*words[:-1], last[:-1] + "ies"])
    if last.endswith(("s", "x", "sh")):
        return None
    return " ".join([*words[:-1], last + "s"])


def derived(records: list[dict], rng: random.Random, per: int, everything: list[dict]) -> list[dict]:
    out: list[dict] = []
    picks = rng.sample(records, min(len(records), per))
    names = {str(r["term"]).lower() for r in records} | {str(a).lower() for r in records for a in r["aliases"]}
    listed = {str(a).lower() for r in everything for a in r["aliases"]}
    for r in picks:
        slug, name = slugify(str(r["term"])), str(r["term"])
        alias = rng.choice(list(r["aliases"]))
        out.append({"query": rng.choice([name, alias]), "expected": [slug], "category": "exact"})
        out.append({"query": variant(rng, name), "expected": [slug], "category": "variants"})
        spelled = rng.choice([name] + [a for a in r["aliases"] if len(a) > 7 and not a.isupper()])
        if len(spelled) >= 8:
            edits = 1 if len(spelled) < 14 or rng.random() < 0.5 else 2
            wrong = typo(rng, spelled, edits)
            if wrong.lower() not in names:
                out.append({"query": wrong, "expected": [slug], "category": "typos"})
        inflected = inflect(name)
        if inflected and inflected.lower() not in names:
            out.append({"query": inflected, "expected": [slug], "category": "inflections"})
        # Templated questions ("what is {name}?") typed the term's name, so they measured nothing the names did
        # not; the questions are written by hand now (bench/quality/hand/). The draws stay, so the other
        # derived queries, and the committed files, do not change with the seed.
        rng.choice(QUESTIONS).format(x=rng.choice([name, alias]))
        words = name.replace("-", " ").split()
        acronym = "".join(w[0] for w in words)
        # Unlisted, and no other term lists it or its singular ("CEDS" is the plural of a listed "CED").
        if (
            len(words) >= 2
            and not any(a.isupper() for a in r["aliases"])
            and acronym not in listed
            and acronym.removesuffix("s") not in listed
        ):
            out.append({"query": acronym.upper(), "expected": [slug], "category": "acronyms"})
    return out


def main() -> None:
    rng = random.Random(8)
    gen = list(generated_terms(10_000))  # the bench's size: its listed acronyms are excluded from "unlisted"
    labels = derived(gen[:600], rng, 600, gen)
    (HERE / "generated.yaml").write_text(
        "# Derived by `python -m bench.labels` from bench/generate.py's first 1000 terms (seed 8).\n"
        + yaml.safe_dump(labels, sort_keys=False, allow_unicode=True, width=200),
        encoding="utf-8",
    )
    bundled = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data" / "terms").glob("*.yml"))]
    labels = derived(bundled, random.Random(9), len(bundled), bundled)
    (HERE / "bundled_derived.yaml").write_text(
        "# Derived by `python -m bench.labels` from data/terms.\n"
        + yaml.safe_dump(labels, sort_keys=False, allow_unicode=True, width=200),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
