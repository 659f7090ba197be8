"""The bundled glossary's content rules (issue 13): citations that point at a specific page, definitions that do
not open with their own name, framings that say something new, and aliases that lead to exactly one term."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import yaml
from conftest import BUNDLED_TERMS
from rapidfuzz import fuzz

from bot.glossary.lookup import normalise

# Front pages of a site or a product's documentation: a citation there makes the reader hunt for the claim.
LANDING_PAGES = {
    "developers.google.com/machine-learning/glossary",  # without an anchor it is the whole glossary
    "huggingface.co/docs/transformers/en/glossary",
    "huggingface.co/docs/transformers/glossary",
    "www.nist.gov/itl/ai-risk-management-framework",
    "modelcontextprotocol.io/specification",  # unversioned: redirects to whichever version is latest
}
# Aliases deliberately shared by two terms, shown to the reader as a choice. Empty: none is intended yet.
SHARED_ALIASES: set[str] = set()
# Near-identical framings add nothing; above this similarity (0-100) two texts count as the same.
SAME_TEXT_SCORE = 85


def _terms() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(BUNDLED_TERMS.glob("*.yml"))]


TERMS = _terms()
IDS = [t["term"] for t in TERMS]


def _page(url: str) -> str:
    parts = urlsplit(url.strip())
    return parts.netloc.lower() + parts.path.rstrip("/")


def is_landing_page(url: str) -> bool:
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return True  # a bare domain
    if parts.fragment:
        return False  # an anchor names the section
    if parts.netloc.lower() == "github.com" and len(segments) == 1:
        return True  # an organisation's or user's front page
    if parts.netloc.lower() == "huggingface.co" and segments[0] == "docs" and segments[-1] == "index":
        return True  # a library's documentation home
    return _page(url) in LANDING_PAGES


def is_specific(url: str) -> bool:
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    if is_landing_page(url):
        return False
    return bool(parts.fragment) or parts.netloc.lower() in {"arxiv.org", "doi.org"} or len(segments) >= 2


@pytest.mark.parametrize(
    ("url", "landing"),
    [
        ("https://example.org", True),
        ("https://example.org/", True),
        ("https://developers.google.com/machine-learning/glossary", True),
        ("https://developers.google.com/machine-learning/glossary#overfitting", False),
        ("https://github.com/modelcontextprotocol", True),
        ("https://huggingface.co/docs/peft/index", True),
        ("https://www.nist.gov/itl/ai-risk-management-framework/", True),
        ("https://arxiv.org/abs/2106.09685", False),
    ],
)
def test_the_landing_page_rule_itself(url, landing):
    assert is_landing_page(url) is landing


def test_there_are_at_least_100_terms():
    # Fails until the three content branches of issue 13 are merged; no branch alone has 100 terms.
    assert len(TERMS) >= 100


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_no_citation_is_a_bare_domain_or_a_landing_page(term):
    assert [c["url"] for c in term["citations"] if is_landing_page(c["url"])] == []


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_every_term_cites_at_least_one_specific_page(term):
    assert any(is_specific(c["url"]) for c in term["citations"])


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_short_definition_does_not_open_with_the_name(term):
    name, short = normalise(term["term"]), normalise(term["short_def"])
    assert not short.startswith(name + " ") and short != name


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_framings_differ_from_each_other_and_from_the_short_definition(term):
    exec_, engineer, short = term["audiences"]["exec"], term["audiences"]["engineer"], term["short_def"]
    for a, b in ((exec_, engineer), (exec_, short), (engineer, short)):
        assert fuzz.ratio(normalise(a), normalise(b)) < SAME_TEXT_SCORE, (a, b)


def test_no_alias_is_shared_between_terms_unless_meant_as_a_choice():
    owners: dict[str, set[str]] = {}
    for term in TERMS:
        for alias in term["aliases"]:
            owners.setdefault(normalise(alias), set()).add(term["term"])
    shared = {alias: sorted(names) for alias, names in owners.items() if len(names) > 1}
    assert {a: n for a, n in shared.items() if a not in SHARED_ALIASES} == {}


def test_no_alias_is_another_terms_name():
    names = {normalise(t["term"]): t["term"] for t in TERMS}
    clashes = [
        (t["term"], alias)
        for t in TERMS
        for alias in t["aliases"]
        if normalise(alias) in names and names[normalise(alias)] != t["term"]
    ]
    assert clashes == []
