"""A small glossary and an owners file for the governance tests."""

from __future__ import annotations

import re
from pathlib import Path

from paths import BUNDLED_TERMS
from termfactory import term_data, write_glossary

from bot.glossary.load import load_glossary
from bot.glossary.lookup import Glossary

OWNERS_YML = """\
owners:
  categories: {"Retrieval & RAG": [UCATOWNER, SRAGTEAM], "Governance & Risk": [UGOVOWNER]}
  roles: {security: [SSECTEAM]}
  terms: {"LoRA": [UTERMOWNER]}
review_days: {approved: 180, reviewed: 90, draft: 30}
"""
GROUPS = {"SRAGTEAM": ["URAG0001", "URAG0002"], "SSECTEAM": ["USEC0001"]}


def members(group: str) -> list[str]:
    return GROUPS.get(group, [])


def write_terms(directory: Path) -> Path:
    return write_glossary(
        directory,
        # owned by a term rule (named by its alias), although its category has owners too
        term_data("low-rank adaptation", aliases=["LoRA"], categories=["Retrieval & RAG"], roles=["security"]),
        # a role rule beats the category rule
        term_data("prompt injection", categories=["Retrieval & RAG"], roles=["security"]),
        # only the category rule applies
        term_data("vector store", categories=["Retrieval & RAG"], last_reviewed="2026-01-10"),
        term_data("semantic search", categories=["Retrieval & RAG"], status="draft", last_reviewed="2026-03-01"),
        term_data("model card", categories=["Governance & Risk", "Retrieval & RAG"], status="reviewed"),
        # nobody owns it
        term_data("tokenizer", categories=["Foundations"]),
        term_data("old term", categories=["Retrieval & RAG"], status="deprecated", last_reviewed="2020-01-01"),
    )


def glossary_in(directory: Path) -> Glossary:
    result = load_glossary(write_terms(directory))
    assert not result.errors, result.errors
    return Glossary(result.terms)


def owners_file(directory: Path, text: str = OWNERS_YML) -> Path:
    path = directory / "owners.yml"
    path.write_text(text, encoding="utf-8")
    return path


def bundled_terms_reviewed_on(folder: Path, day: str = "2025-10-09") -> Path:
    """A copy of the bundled glossary with every last_reviewed set to one old day, for tests that need every
    term due: the bundled files carry the days they were really checked, and those keep moving (a term checked
    today is not due tomorrow even with a one-day interval)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in BUNDLED_TERMS.glob("*.yml"):
        text = re.sub(r"^last_reviewed: .*$", f'last_reviewed: "{day}"', path.read_text(encoding="utf-8"), flags=re.M)
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder
