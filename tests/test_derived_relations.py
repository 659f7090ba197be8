"""A link written on one side shows on both cards: derived at load, marked derived, never written to the files."""

from __future__ import annotations

from termfactory import term_data, write_glossary

from bot.answers.cards import build_card
from bot.glossary.live import open_glossary
from bot.glossary.load import derive_inverse_relations, load_glossary
from bot.glossary.model import Relation, RelationKind


def rel(broader=(), narrower=(), related=()):
    return {"broader": list(broader), "narrower": list(narrower), "related": list(related)}


def glossary_dir(tmp_path):
    return write_glossary(
        tmp_path / "terms",
        term_data("model training", relationships=rel(narrower=["fine-tuning"])),  # fine-tuning names it back
        term_data("fine-tuning", relationships=rel(broader=["model training"], related=["prompting", "nowhere"])),
        term_data("prompting"),  # names nothing: fine-tuning's link is one-sided
        term_data("lora", relationships=rel(broader=["fine-tuning"])),  # one-sided too
        term_data("adapters", relationships=rel(related=["fine-tuning"])),
    )


def by_slug(terms):
    return {t.slug: t for t in terms}


def test_one_sided_links_get_their_inverse_marked_derived(tmp_path):
    terms = by_slug(load_glossary(glossary_dir(tmp_path)).terms)
    assert terms["prompting"].relations == (Relation(RelationKind.RELATED, "fine-tuning", "fine-tuning", derived=True),)
    derived = {r for r in terms["fine-tuning"].relations if r.derived}
    assert derived == {
        Relation(RelationKind.NARROWER, "lora", "lora", derived=True),  # lora lists it as broader
        Relation(RelationKind.RELATED, "adapters", "adapters", derived=True),
    }
    assert terms["fine-tuning"].relations[:3] == tuple(r for r in terms["fine-tuning"].relations if not r.derived)


def test_links_written_on_both_sides_and_unresolved_ones_are_left_alone(tmp_path):
    terms = by_slug(load_glossary(glossary_dir(tmp_path)).terms)
    assert not any(r.derived for r in terms["model-training"].relations)
    written = [r for r in terms["fine-tuning"].relations if not r.derived]
    assert [(r.kind, r.target, r.slug) for r in written] == [
        (RelationKind.BROADER, "model training", "model-training"),
        (RelationKind.RELATED, "prompting", "prompting"),
        (RelationKind.RELATED, "nowhere", None),
    ]


def test_a_link_back_under_another_kind_counts_as_a_link_back(tmp_path):
    d = write_glossary(
        tmp_path / "t",
        term_data("a", relationships=rel(broader=["b"])),
        term_data("b", relationships=rel(related=["a"])),
    )
    terms = by_slug(load_glossary(d).terms)
    assert not any(r.derived for t in terms.values() for r in t.relations)


def test_naming_a_term_twice_gives_one_link_back():
    from bot.glossary.model import Term

    def term(slug, *relations):
        return Term(slug, slug, (), (), (), "noun", "", "", "", "", (), (), relations=relations)

    a = term("a", Relation(RelationKind.BROADER, "b", "b"), Relation(RelationKind.RELATED, "b", "b"))
    result = by_slug(derive_inverse_relations([a, term("b")]))
    assert result["b"].relations == (Relation(RelationKind.NARROWER, "a", "a", derived=True),)
    assert result["a"] is a  # unchanged terms are the same objects


def test_the_files_are_never_written(tmp_path):
    d = glossary_dir(tmp_path)
    before = {p: p.read_bytes() for p in d.iterdir()}
    open_glossary(d, tmp_path / "g.db")
    assert {p: p.read_bytes() for p in d.iterdir()} == before


def test_the_glossary_database_keeps_the_mark_and_both_cards_show_the_link(tmp_path):
    glossary, _ = open_glossary(glossary_dir(tmp_path), tmp_path / "g.db")
    prompting = glossary.get("prompting")
    assert prompting.relations[0].derived is True
    card = build_card(glossary, prompting)
    assert [(r.kind, r.name, r.slug) for r in card.related] == [(RelationKind.RELATED, "fine-tuning", "fine-tuning")]
    card = build_card(glossary, glossary.get("fine-tuning"))
    assert {r.slug for r in card.related} >= {"prompting", "lora", "adapters", "model-training"}
