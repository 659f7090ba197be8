"""What a term card shows, decided once for every renderer (Slack blocks, terminal text).

A card model says *what* to show for one person asking about one term; renderers decide *how*.
"""

from __future__ import annotations

from dataclasses import dataclass

from .glossary.lookup import Glossary
from .glossary.model import TERM_STATUS_LABELS, Framing, Relation, RelationKind, Role, Term, TermStatus

STATUS_MARKS = {
    TermStatus.DRAFT: "📝",
    TermStatus.REVIEWED: "🔎",
    TermStatus.APPROVED: "✅",
    TermStatus.DEPRECATED: "⚠️",
}


@dataclass(frozen=True)
class RelatedTerm:
    kind: RelationKind
    name: str  # as the glossary writes the target
    slug: str | None  # None when it names no term: shown as plain text


@dataclass(frozen=True)
class Card:
    term: Term
    framings: tuple[Framing, ...]  # one chosen framing, or both when the person has no preference yet
    preferred: Framing | None  # the person's stored default, if any
    role: Role | None
    related: tuple[RelatedTerm, ...]
    attribution: str
    expanded: bool = False  # the "More" view: long definition, examples, governance, aliases
    docs_url: str = ""  # the published glossary site, when there is one

    @property
    def status_label(self) -> str:
        return TERM_STATUS_LABELS.get(self.term.status, self.term.status)

    @property
    def status_mark(self) -> str:
        return STATUS_MARKS.get(self.term.status, "")

    @property
    def single_framing(self) -> Framing | None:
        return self.framings[0] if len(self.framings) == 1 else None

    @property
    def takeaway(self) -> str:
        return self.role.takeaway if self.role else ""


def build_card(
    glossary: Glossary,
    term: Term,
    *,
    framing: Framing | None = None,
    preferred: Framing | None = None,
    role: Role | None = None,
    expanded: bool = False,
    attribution: str = "",
    docs_url: str = "",
) -> Card:
    """`framing` asked for now beats the stored `preferred` one; with neither, both framings are shown."""
    chosen = framing or preferred
    related = tuple(_related(glossary, r) for r in term.relations)
    return Card(
        term=term,
        framings=(chosen,) if chosen else (Framing.EXEC, Framing.ENGINEER),
        preferred=preferred,
        role=role,
        related=related,
        attribution=attribution,
        expanded=expanded,
        docs_url=docs_url,
    )


def _related(glossary: Glossary, rel: Relation) -> RelatedTerm:
    # A target that resolved when the glossary was built but whose term has since gone stays plain text.
    target = glossary.get(rel.slug) if rel.slug else None
    if target is None:
        return RelatedTerm(rel.kind, rel.target, None)
    return RelatedTerm(rel.kind, target.term, target.slug)


def attribution_line(glossary_name: str, license: str) -> str:
    return f"From {glossary_name} · {license}"
