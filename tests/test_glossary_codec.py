"""The saved index's codec is derived from the dataclasses' fields: every field of a Term survives a save and a
load, a new field of a known shape is saved with no code written for it, and a field of a shape the codec cannot
save fails at import time, naming the field, instead of being dropped on every warm start."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.glossary import snapshot
from bot.glossary.codec import Codec
from bot.glossary.lookup import Glossary
from bot.glossary.model import Citation, Relation, RelationKind, Term, TermStatus


def every_field_set() -> Term:
    """A term whose every field differs from its default and from the smallest term (see the test below)."""
    return Term(
        slug="mixture-of-experts",
        term="Mixture of experts",
        aliases=("MoE", "sparse experts"),
        categories=("Models & Architectures",),
        roles=("engineer", "researcher"),
        part_of_speech="noun phrase",
        short_def="Many expert sub-networks, a few chosen per token.",
        long_def="A router picks which experts see each token.",
        exec_framing="More capacity for the same cost per answer.",
        engineer_framing="Sparse activation with a learned gate.",
        examples_do=("Our MoE model routes each token to two experts.",),
        examples_dont=("MoE means a panel of human reviewers.",),
        nist_tags=("MAP 1.1", "MEASURE 2.3"),
        risk_notes="Routing can collapse onto a few experts.",
        relations=(
            Relation(RelationKind.BROADER, "neural network", "neural-network"),
            Relation(RelationKind.RELATED, "router", None),
            Relation(RelationKind.NARROWER, "switch transformer", "switch-transformer", derived=True),
        ),
        citations=(Citation("A paper", "https://example.org/moe"),),
        license="CC-BY-4.0",
        status=TermStatus.DRAFT,
        last_reviewed="2026-01-31",
        source_file="mixture-of-experts.yml",
    )


def test_the_sample_sets_every_field():
    """Guards the round trip below: a Term field added later must be set here too, or this fails."""
    smallest = Term(*[""] * 12)
    sample = every_field_set()
    same = [f.name for f in dataclasses.fields(Term) if getattr(sample, f.name) == getattr(smallest, f.name)]
    assert same == []


def test_every_field_of_a_term_survives_the_saved_index(tmp_path):
    db_path = tmp_path / "glossary.db"
    db_path.write_bytes(b"")  # the index is saved for a database file: any file will do for this
    term = every_field_set()
    assert snapshot.save(Glossary([term], version="v1", db_path=db_path), db_path)
    loaded = snapshot.load(db_path, "v1")
    assert loaded is not None
    (back,) = loaded.terms.values()
    assert {f.name: getattr(back, f.name) for f in dataclasses.fields(Term)} == dataclasses.asdict(term) | {
        "relations": term.relations,
        "citations": term.citations,
    }
    assert back == term and type(back.status) is TermStatus and type(back.relations[0].kind) is RelationKind


@dataclasses.dataclass(frozen=True)
class Grown(Term):
    """Term with new fields of shapes the codec knows: saved with no code written for them."""

    sources: tuple[Citation, ...] = ()
    superseded_by: RelationKind | None = None
    weight: float = 0.0


def test_a_new_field_of_a_known_shape_is_saved_with_no_code_for_it():
    codec = Codec(Grown)
    grown = Grown(
        **{f.name: getattr(every_field_set(), f.name) for f in dataclasses.fields(Term)},
        sources=(Citation("Another", "https://example.org/2"),),
        superseded_by=RelationKind.RELATED,
        weight=0.5,
    )
    plain = codec.to_plain(grown)
    assert plain[-3:] == ((("Another", "https://example.org/2"),), "related", 0.5)
    assert codec.from_plain(plain) == grown


@dataclasses.dataclass(frozen=True)
class Dated(Term):
    reviewed_on: dt.date | None = None


def test_a_field_the_codec_cannot_save_fails_at_once_naming_it():
    with pytest.raises(TypeError, match=r"Dated\.reviewed_on: cannot save a field of type"):
        Codec(Dated)


def test_a_saved_value_of_the_wrong_width_is_refused():
    codec = Codec(Term)
    with pytest.raises(ValueError, match="expected 20"):
        codec.from_plain(codec.to_plain(every_field_set())[:-1])
