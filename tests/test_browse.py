"""Browsing without Slack: categories and roles with counts, starter packs by lookups, recent terms, pages."""

from __future__ import annotations

import pytest
from paths import BUNDLED_ROLES

from bot.answers.ask import Asked, parse_command, parse_question
from bot.answers.browse import (
    Shelf,
    ShelfKind,
    categories,
    category_terms,
    find_shelf,
    page_of,
    recent,
    roles_with_counts,
    shelf_from,
    starter_pack,
)
from bot.glossary.model import Term
from bot.glossary.roles import load_roles

ROLES = load_roles(BUNDLED_ROLES)


def term(name: str, categories=("Foundations",), roles=("engineering",), reviewed="2026-01-01") -> Term:
    return Term(
        slug=name.lower().replace(" ", "-"),
        term=name,
        aliases=(),
        categories=tuple(categories),
        roles=tuple(roles),
        part_of_speech="noun",
        short_def=f"About {name}.",
        long_def="",
        exec_framing="",
        engineer_framing="",
        examples_do=(),
        examples_dont=(),
        last_reviewed=reviewed,
    )


TERMS = [
    term("Zeta", ("Governance & Risk", "Foundations"), ("legal", "engineering"), "2026-03-01"),
    term("alpha", ("Foundations",), ("engineering",), "2026-03-01"),
    term("Beta", ("Governance & Risk",), ("legal",), "2026-02-01"),
    term("gamma", ("Retrieval & RAG",), (), ""),
    term("Delta", ("Foundations", "Foundations"), ("legal", "legal"), "2025-12-31"),
]


def test_categories_with_counts_by_name_each_term_counted_once_per_category():
    assert categories(TERMS) == [("Foundations", 3), ("Governance & Risk", 2), ("Retrieval & RAG", 1)]


def test_every_role_is_listed_in_the_roles_files_order_with_its_count():
    counts = dict((role.key, n) for role, n in roles_with_counts(TERMS, ROLES))
    assert list(counts) == list(ROLES)
    assert counts["legal"] == 3 and counts["engineering"] == 2 and counts["security"] == 0


def test_a_category_lists_its_terms_by_name_whatever_the_case():
    assert [t.term for t in category_terms(TERMS, "Foundations")] == ["alpha", "Delta", "Zeta"]


def test_a_starter_pack_is_most_looked_up_first_then_by_name():
    assert [t.term for t in starter_pack(TERMS, "legal", {})] == ["Beta", "Delta", "Zeta"]
    assert [t.term for t in starter_pack(TERMS, "legal", {"zeta": 5, "delta": 2, "alpha": 99})] == [
        "Zeta",
        "Delta",
        "Beta",
    ]


def test_recent_is_newest_review_first_then_by_name_and_says_how_many_share_the_newest_date():
    found = recent(TERMS, limit=3)
    assert [t.term for t in found.terms] == ["alpha", "Zeta", "Beta"]
    assert (found.newest, found.sharing_newest) == ("2026-03-01", 2)
    assert "gamma" not in [t.term for t in recent(TERMS, limit=10).terms]  # no date, nothing to say when
    assert recent([]).terms == () and recent([]).newest == ""


@pytest.mark.parametrize(
    ("number", "shown", "previous", "following"),
    [(1, [0, 1, 2], False, True), (2, [3, 4, 5], True, True), (3, [6], True, False), (9, [6], True, False)],
)
def test_pages_clamp_to_the_pages_there_are(number, shown, previous, following):
    page = page_of(list(range(7)), number, size=3)
    assert list(page.items) == shown and page.pages == 3 and page.total == 7
    assert (page.has_previous, page.has_next) == (previous, following)


def test_an_empty_list_is_one_empty_page():
    page = page_of([], 4)
    assert (page.items, page.number, page.pages, page.has_next, page.has_previous) == ((), 1, 1, False, False)


@pytest.mark.parametrize(
    ("typed", "kind", "key"),
    [
        ("governance & risk", ShelfKind.CATEGORY, "Governance & Risk"),
        ("Governance and Risk", ShelfKind.CATEGORY, "Governance & Risk"),
        ("governance", ShelfKind.CATEGORY, "Governance & Risk"),  # the one category it begins
        ("rag", ShelfKind.CATEGORY, "Retrieval & RAG"),  # the one category that contains it
        ("legal", ShelfKind.ROLE, "legal"),
        ("Data Science", ShelfKind.ROLE, "data_science"),
    ],
)
def test_a_shelf_from_what_someone_typed(typed, kind, key):
    shelf = find_shelf(TERMS, ROLES, typed)
    assert shelf is not None and (shelf.kind, shelf.key) == (kind, key)


@pytest.mark.parametrize("typed", ["", "   ", "nothing like it", "&"])
def test_nothing_matches_no_shelf(typed):
    assert find_shelf(TERMS, ROLES, typed) is None


def test_two_categories_that_both_contain_the_words_are_not_guessed_between():
    both = [term("a", ("Model Risk",)), term("b", ("Model Cards",))]
    assert find_shelf(both, ROLES, "model") is None


def test_a_shelf_named_by_a_button_exists_or_is_none():
    assert shelf_from("role", "legal", TERMS, ROLES) == Shelf(
        ShelfKind.ROLE, "legal", "Starter pack: Legal & Compliance"
    )
    assert shelf_from("category", "Foundations", TERMS, ROLES) == Shelf(
        ShelfKind.CATEGORY, "Foundations", "Foundations"
    )
    assert shelf_from("category", "Gone since the reload", TERMS, ROLES) is None
    assert shelf_from("role", "astronaut", TERMS, ROLES) is None
    assert shelf_from("nonsense", "Foundations", TERMS, ROLES) is None


def test_a_long_category_name_cut_short_by_a_menu_still_finds_its_category():
    name = "A very long category " * 10
    cut = name[:150]
    assert shelf_from("category", cut, [term("x", (name,))], ROLES) == Shelf(ShelfKind.CATEGORY, name, name)


def test_browse_is_a_subcommand_by_slash_and_by_mention():
    assert parse_command("browse") == parse_command("browse ") and parse_command("browse").action == Asked.BROWSE
    assert (parse_command("browse governance & risk").action, parse_command("browse governance & risk").text) == (
        Asked.BROWSE,
        "governance & risk",
    )
    assert (parse_question("browse legal").action, parse_question("browse legal").text) == (Asked.BROWSE, "legal")
    assert parse_command('"browse"').action == Asked.DEFINE  # a term named browse, in quotes
