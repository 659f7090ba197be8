"""The bundled glossary's content rules (issues 13 and 26): citations that point at a specific page, definitions
that do not open with their own name, framings that say something new, aliases that lead to exactly one term, no
run of words taken from a source the terms were checked against, and lifecycle signals that claim nothing the
adopting organisation did not do. Every rule reads every file in data/terms, whoever wrote it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from paths import BUNDLED_TERMS
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
# Excerpts of the pages the terms were checked against (tests/content_sources/README.md).
SOURCES = Path(__file__).resolve().parent / "content_sources"
# A run of this many words in common with a source is copying, not stating the same fact in our own words.
COPIED_RUN = 8
# The day the starter set was last reviewed by its authors; no file may claim a later one.
REVIEWED_BY = dt.date(2026, 12, 6)


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


# --- issue 26: our own words, framings that add something, honest lifecycle signals ---------------------------


def words(text: str) -> list[str]:
    """Lower-cased words with punctuation collapsed: "Model’s" and "model's" both give ["model", "s"]."""
    return re.findall(r"\w+", text.casefold())


def runs(text: str, n: int = COPIED_RUN) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def prose(term: dict) -> dict[str, str]:
    """Every field written in sentences (citation labels are titles, and may repeat a source's title)."""
    fields = {
        "short_def": term["short_def"],
        "long_def": term["long_def"],
        "audiences.exec": term["audiences"]["exec"],
        "audiences.engineer": term["audiences"]["engineer"],
        "governance.risk_notes": (term.get("governance") or {}).get("risk_notes") or "",
    }
    for kind in ("do", "dont"):
        for i, example in enumerate(term["examples"][kind]):
            fields[f"examples.{kind}[{i}]"] = example
    return fields


def _sources() -> dict[str, dict]:
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(SOURCES.glob("*.yml"))}


SOURCE_TEXTS = _sources()
SOURCE_RUNS = {run: name for name, source in SOURCE_TEXTS.items() for run in runs(source["excerpt"])}


def test_the_checked_source_texts_are_kept_with_where_they_came_from():
    assert len(SOURCE_TEXTS) >= 10
    for name, source in SOURCE_TEXTS.items():
        assert set(source) == {"where", "read_on", "excerpt"}, name
        assert source["where"].strip() and len(words(source["excerpt"])) >= COPIED_RUN, name
        assert dt.date.fromisoformat(source["read_on"]) <= REVIEWED_BY, name
    assert not list(SOURCES.glob("*.yml")) or not SOURCES.resolve().is_relative_to(BUNDLED_TERMS.resolve())


def test_the_copy_check_itself_sees_through_case_and_punctuation():
    source = SOURCE_TEXTS["google-mlcc-roc-auc.yml"]["excerpt"]
    disguised = "AUC, in one reading: The Probability that the model RANKS a random positive example (more) highly…"
    shared = {" ".join(r) for r in runs(disguised) & runs(source)}
    assert "probability that the model ranks a random positive" in shared
    assert runs("A “Model’s” weights, frozen: then tuned again") == runs("a model's weights frozen then tuned again")
    assert not runs("the probability that the model ranks a random") & runs("the chance that the model ranks a random")


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_no_field_shares_a_run_of_eight_words_with_a_checked_source(term):
    copied = {
        field: (" ".join(run), SOURCE_RUNS[run])
        for field, text in prose(term).items()
        for run in runs(text)
        if run in SOURCE_RUNS
    }
    assert copied == {}


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_framings_say_something_the_definitions_do_not(term):
    own = runs(term["short_def"]) | runs(term["long_def"])
    for role in ("exec", "engineer"):
        framing = term["audiences"][role]
        assert not runs(framing) & own, (role, framing)
        assert normalise(framing) not in normalise(term["long_def"]), (role, framing)


def test_every_alias_is_unique_across_terms_and_never_repeats_its_own_name():
    seen: dict[str, str] = {}
    for term in TERMS:
        name = normalise(term["term"])
        for alias in term["aliases"]:
            key = normalise(alias)
            assert key != name, (term["term"], alias)
            if key not in SHARED_ALIASES:
                assert seen.setdefault(key, term["term"]) == term["term"], (alias, seen[key], term["term"])


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_no_starter_term_claims_to_be_approved(term):
    # Approval is the adopting organisation's act (python -m bot reviews adopt); the starter set is at most reviewed.
    assert term["status"] in {"draft", "reviewed", "deprecated"}


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_last_reviewed_is_a_quoted_date_no_later_than_the_review(term):
    assert isinstance(term["last_reviewed"], str), "write the date in quotes: '2026-12-06'"
    assert dt.date.fromisoformat(term["last_reviewed"]) <= REVIEWED_BY


def test_a_card_stating_a_legal_timeline_says_when_it_was_checked_and_cites_the_official_journal():
    legal = [t for t in TERMS if "Digital Omnibus" in t["long_def"]]
    assert legal, "the EU AI Act card states the timeline after the Digital Omnibus"
    for term in legal:
        assert re.search(r"checked on \d{1,2} \w+ \d{4}", term["long_def"]), term["term"]
        assert any(c["url"].startswith("https://eur-lex.europa.eu/eli/") for c in term["citations"]), term["term"]


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_no_hyphenated_word_is_split_by_line_folding(term):
    # ">-" folds a line break into a space, so "fine-" at a line's end and "tuning" on the next read "fine- tuning"
    assert {f: m for f, text in prose(term).items() for m in re.findall(r"\w+- \w+", text)} == {}
