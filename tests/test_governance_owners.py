"""Owners: the file read and checked, the most specific rule winning (term, role, category), groups, and the
review intervals per status."""

from __future__ import annotations

import pytest
from governance_helpers import OWNERS_YML, glossary_in, members, owners_file

from bot.glossary.model import Severity
from bot.governance.intervals import ReviewIntervals
from bot.governance.owners import (
    Ownership,
    check_names,
    expand,
    holds,
    load_owners,
    may_act,
    request_owners,
)


@pytest.fixture
def ownership(tmp_path):
    owners, problems = load_owners(owners_file(tmp_path))
    assert problems == []
    return Ownership(owners, glossary_in(tmp_path / "terms").terms.values())


def test_a_term_rule_beats_role_and_category_and_matches_by_alias(ownership):
    owner = ownership.of("low-rank-adaptation")
    assert owner.ids == ("UTERMOWNER",) and owner.rule == "term"


def test_a_role_rule_beats_a_category_rule(ownership):
    owner = ownership.of("prompt-injection")
    assert owner.ids == ("SSECTEAM",) and owner.rule == "role"


def test_a_category_rule_applies_to_every_category_of_the_term(ownership):
    assert ownership.of("vector-store").ids == ("UCATOWNER", "SRAGTEAM")
    assert ownership.of("model-card").ids == ("UGOVOWNER", "UCATOWNER", "SRAGTEAM")
    assert ownership.of("model-card").rule == "category"


def test_a_term_nobody_owns(ownership):
    assert ownership.of("tokenizer").ids == () and ownership.of("tokenizer").rule == ""
    assert ownership.of("no-such-term").ids == ()


def test_a_term_rule_matches_by_slug_and_name_with_lookups_rules(tmp_path):
    for name in ("low-rank-adaptation", "Low Rank Adaptation", "LOWRANKADAPTATION"):
        owners, _ = load_owners(owners_file(tmp_path, f'owners:\n  terms: {{"{name}": [UX1]}}\n'))
        assert Ownership(owners, glossary_in(tmp_path / "t").terms.values()).of("low-rank-adaptation").ids == ("UX1",)


def test_group_members_own_through_their_group(ownership):
    owned = sorted(ownership.slugs_owned_by("URAG0001", members))
    assert owned == ["model-card", "old-term", "semantic-search", "vector-store"]
    assert ownership.slugs_owned_by("USEC0001", members) == ["prompt-injection"]
    assert ownership.slugs_owned_by("UNOBODY1", members) == []


def test_groups_expand_to_their_members_each_person_once():
    assert expand(["UONE0001", "SRAGTEAM", "URAG0001", "SEMPTY01"], members) == ["UONE0001", "URAG0001", "URAG0002"]
    assert holds("URAG0002", ["SRAGTEAM"], members) and not holds("URAG0002", ["SSECTEAM"], members)


def test_owners_are_reviewers_for_their_terms_and_categories(ownership, tmp_path):
    glossary = glossary_in(tmp_path / "g")
    lora = glossary.get("low-rank-adaptation")
    owners = request_owners(ownership, lora)
    assert owners == ("UTERMOWNER", "UCATOWNER", "SRAGTEAM")
    assert may_act("URAG0002", (), owners, members)  # through the category's group
    assert may_act("UREVIEW1", ("UREVIEW1",), (), members)  # a reviewer, whatever the term
    assert not may_act("UGOVOWNER", (), owners, members)  # owns another category
    assert request_owners(ownership, None) == ()  # a new-term request has no term, so no owners


def test_a_missing_file_is_no_owners_and_default_intervals(tmp_path):
    owners, problems = load_owners(tmp_path / "absent.yml")
    assert owners.empty and problems == [] and owners.intervals == ReviewIntervals()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("owners:\n  terms: {x: [not-an-id]}\n", "owners.terms.x"),
        ("owners:\n  teams: {x: [U123]}\n", "owners.teams"),
        ("owners:\n  roles: {security: []}\n", "owners.roles.security"),
        ("review_days: {approved: 0}\n", "review_days.approved"),
        ("review_days: {archived: 10}\n", "review_days.archived"),
        ("review_days: {draft: ten}\n", "review_days.draft"),
        ("owner: {}\n", "owner"),
        ("- just a list\n", ""),
        ("owners: {terms: [\n", ""),
    ],
)
def test_a_malformed_file_is_an_error_on_its_field(tmp_path, text, field):
    _, problems = load_owners(owners_file(tmp_path, text))
    assert [(p.severity, p.field) for p in problems] == [(Severity.ERROR, field)]


def test_check_warns_about_names_the_glossary_does_not_have(tmp_path):
    text = OWNERS_YML.replace('"LoRA"', '"no such term": [UX2], "LoRA"').replace("security:", "security: [SX1], hr:")
    text = text.replace('"Governance & Risk"', '"Governance and Risk"')
    owners, problems = load_owners(owners_file(tmp_path, text))
    assert problems == []
    warnings = check_names(owners, glossary_in(tmp_path / "terms").terms.values())
    assert {p.field for p in warnings} == {
        "owners.terms.no such term",
        "owners.roles.hr",
        "owners.categories.Governance and Risk",
    }
    assert all(p.severity == Severity.WARNING for p in warnings)


def test_categories_match_as_names_do(tmp_path):
    owners, _ = load_owners(owners_file(tmp_path, 'owners:\n  categories: {"retrieval  &  rag": [UX1]}\n'))
    terms = glossary_in(tmp_path / "terms").terms.values()
    assert check_names(owners, terms) == [] and Ownership(owners, terms).of("vector-store").ids == ("UX1",)


def test_intervals_per_status_defaults_and_overrides(tmp_path):
    assert [ReviewIntervals().days(s) for s in ("approved", "reviewed", "draft", "deprecated")] == [180, 90, 30, None]
    owners, problems = load_owners(owners_file(tmp_path, "review_days: {reviewed: 45, deprecated: 365}\n"))
    assert problems == []
    assert [owners.intervals.days(s) for s in ("approved", "reviewed", "draft", "deprecated")] == [180, 45, 30, 365]
