"""The bundled starter glossary: clean, complete, and resolving every relationship."""

from __future__ import annotations

from conftest import BUNDLED_ROLES, BUNDLED_TERMS

from bot.glossary.load import load_glossary
from bot.glossary.model import ROLE_KEYS
from bot.glossary.roles import load_roles

CATEGORIES = {
    "Foundations", "LLM Core", "Retrieval & RAG", "Agents & Tooling", "Optimization & Efficiency",
    "Operations & Monitoring", "Governance & Risk",
}  # fmt: skip


def test_check_is_clean_with_at_least_30_terms():
    result = load_glossary(BUNDLED_TERMS)
    assert [str(p) for p in result.problems] == []
    assert len(result.terms) >= 30


def test_every_category_and_role_is_covered():
    terms = load_glossary(BUNDLED_TERMS).terms
    assert {t.categories[0] for t in terms} == CATEGORIES
    assert {r for t in terms for r in t.roles} == set(ROLE_KEYS)


def test_every_status_is_represented():
    assert {t.status for t in load_glossary(BUNDLED_TERMS).terms} == {"draft", "reviewed", "approved", "deprecated"}


def test_fine_tuning_matches_the_seed_and_its_relationships_resolve():
    terms = {t.slug: t for t in load_glossary(BUNDLED_TERMS).terms}
    ft = terms["fine-tuning"]
    assert ft.aliases == ("model adaptation", "supervised fine-tuning")
    assert [(r.kind, r.target) for r in ft.relations] == [
        ("broader", "model training"),
        ("narrower", "low-rank adaptation"),
        ("narrower", "reinforcement learning from human feedback"),
        ("related", "knowledge distillation"),
        ("related", "evaluation"),
        ("related", "alignment"),
    ]
    assert all(r.slug in terms for r in ft.relations)
    assert "â€" not in ft.exec_framing  # the seed's double-encoded apostrophe was not carried over


def test_every_relationship_in_the_bundle_resolves():
    terms = load_glossary(BUNDLED_TERMS).terms
    assert all(r.slug for t in terms for r in t.relations)


def test_roles_file_names_all_seven_with_takeaways():
    roles = load_roles(BUNDLED_ROLES)
    assert set(roles) == set(ROLE_KEYS)
    assert roles["data_science"].name == "Data Science & Research"
    assert roles["engineering"].takeaway == "Document implementation requirements and operational caveats."
    assert all(r.takeaway for r in roles.values())


def test_missing_roles_file_falls_back_to_keys(tmp_path):
    roles = load_roles(tmp_path / "nope.yml")
    assert roles["data_science"].name == "Data Science" and roles["data_science"].takeaway == ""
