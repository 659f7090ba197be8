"""Valid term data for tests, to be bent one rule at a time."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from bot.glossary.model import slugify

LONG_DEF = " ".join(["This long definition explains the idea in plain words for the whole team."] * 9)


def term_data(name: str = "sample term", **overrides) -> dict:
    data = {
        "term": name,
        "aliases": [f"{name} alias"],
        "categories": ["Foundations"],
        "roles": ["engineering"],
        "part_of_speech": "noun",
        "short_def": f"A short definition of {name}.",
        "long_def": LONG_DEF,
        "audiences": {"exec": f"Why {name} matters to the business.", "engineer": f"How {name} works in code."},
        "examples": {"do": ["Do this."], "dont": ["Not that."]},
        "governance": {"nist_rmf_tags": ["validity"], "risk_notes": "Some risk."},
        "relationships": {"broader": [], "narrower": [], "related": []},
        "citations": [{"source": "Example", "url": "https://example.org/x"}],
        "license": "CC BY-SA 4.0",
        "status": "approved",
        "last_reviewed": "2025-10-09",
    }
    data = copy.deepcopy(data)
    data.update(overrides)
    return data


def write_term(
    directory: Path, data: dict | None = None, *, filename: str | None = None, text: str | None = None
) -> Path:
    """Write one term file; `text` writes raw content instead of dumping `data`."""
    directory.mkdir(parents=True, exist_ok=True)
    if text is None:
        data = data if data is not None else term_data()
        filename = filename or f"{slugify(data['term'])}.yml"
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path = directory / (filename or "raw.yml")
    path.write_text(text, encoding="utf-8")
    return path


def write_glossary(directory: Path, *terms: dict) -> Path:
    for data in terms:
        write_term(directory, data)
    return directory
