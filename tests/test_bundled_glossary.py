"""The bundled starter glossary: clean, complete, and resolving every relationship."""

from __future__ import annotations

from paths import BUNDLED_ROLES, BUNDLED_TERMS

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


def test_every_status_but_approved_is_represented():
    # approved is the adopting organisation's word, never the starter set's (issue 26; `reviews adopt`)
    assert {t.status for t in load_glossary(BUNDLED_TERMS).terms} == {"draft", "reviewed", "deprecated"}


def test_fine_tuning_keeps_its_names_and_links_and_no_longer_cites_the_seeds_landing_pages():
    terms = {t.slug: t for t in load_glossary(BUNDLED_TERMS).terms}
    ft = terms["fine-tuning"]
    assert ft.aliases == ("model adaptation", "supervised fine-tuning", "SFT")
    links = [(r.kind, r.target) for r in ft.relations]
    assert links[:3] == [
        ("broader", "model training"),
        ("narrower", "low-rank adaptation"),
        ("narrower", "reinforcement learning from human feedback"),
    ]
    assert {("related", "knowledge distillation"), ("related", "evaluation"), ("related", "alignment")} <= set(links)
    seed_citations = {
        "https://developers.google.com/machine-learning/glossary",
        "https://huggingface.co/docs/transformers/en/glossary",
        "https://www.nist.gov/itl/ai-risk-management-framework",
    }
    assert not seed_citations & {c.url for c in ft.citations}
    assert "â€" not in ft.exec_framing  # the seed's double-encoded apostrophe was not carried over


def test_every_relationship_in_the_bundle_resolves():
    terms = load_glossary(BUNDLED_TERMS).terms
    assert all(r.slug for t in terms for r in t.relations)


def test_roles_file_names_all_seven_with_takeaways():
    roles = load_roles(BUNDLED_ROLES)
    assert set(roles) == set(ROLE_KEYS)
    assert roles["data_science"].name == "Data Science & Research"
    assert roles["engineering"].takeaway == (
        "Write down how to build and run it safely: its limits, failure modes and operating costs."
    )
    assert all(r.takeaway for r in roles.values())


def test_missing_roles_file_falls_back_to_keys(tmp_path):
    roles = load_roles(tmp_path / "nope.yml")
    assert roles["data_science"].name == "Data Science" and roles["data_science"].takeaway == ""
