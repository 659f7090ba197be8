"""What a term card shows, decided once for every renderer (Slack blocks, terminal text).

A card model says *what* to show for one person asking about one term; renderers decide *how*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..glossary.lookup import Glossary
from ..glossary.model import TERM_STATUS_LABELS, Framing, Relation, RelationKind, Role, Term, TermStatus
from ..glossary.senses import SenseChoice, as_read, choose_sense
from ..glossary.terminology import DEFAULT_LANGUAGE, UsageNote
from ..governance.staleness import ReviewState, day_words

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
    review: ReviewState | None = None  # due for review, or verified in Slack; None where nobody knows
    today: dt.date | None = None  # the day the review words are written for ("12 March", not "12 March 2025")
    usage: UsageNote | None = None  # the label asked for is discouraged: "We say X, not Y"
    sense: SenseChoice | None = None  # the sense shown, why, and the others (None: the term has one sense)
    language: str = DEFAULT_LANGUAGE  # the language `term` is shown in
    languages: tuple[str, ...] = ()  # every language the glossary has this term in, English first

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

    @property
    def review_due(self) -> str:
        """ "Review due since 12 March" for a term past its review interval, else nothing."""
        r = self.review
        if r is None or not r.stale:
            return ""
        return f"Review due since {day_words(r.due_since, self._today)}" if r.due_since else "Review due"

    @property
    def verified(self) -> tuple[str, str] | None:
        """(who, "12 March") when the latest review is a "Still accurate" said in Slack."""
        r = self.review
        if r is None or not (r.verified_by and r.verified_on):
            return None
        return r.verified_by, day_words(r.verified_on, self._today)

    @property
    def _today(self) -> dt.date:
        return self.today or dt.date.today()


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
    review: ReviewState | None = None,
    today: dt.date | None = None,
    reading: Reading | None = None,
) -> Card:
    """`framing` asked for now beats the stored `preferred` one; with neither, both framings are shown.

    `reading` says where and how the person reads it (channel, sense asked for, locale): it picks the sense
    shown first and the language (senses.py); without a sidecar the card is the term file's."""
    chosen = framing or preferred
    related = tuple(_related(glossary, r) for r in term.relations)
    reading = reading or Reading()
    terminology = glossary.terminology
    sense = choose_sense(
        term,
        terminology,
        channel=reading.channel,
        role=role.key if role else "",
        asked=reading.sense,
        domains=reading.domains,
    )
    layer = terminology.layer(term.slug)
    languages = (DEFAULT_LANGUAGE, *(t.language for t in layer.translations))
    translated = reading.language and layer.translation(reading.language) is not None
    # A translation covers the term file's own sense; another sense is shown in the glossary's language.
    language = reading.language if translated and (sense is None or sense.is_main) else DEFAULT_LANGUAGE
    shown = as_read(term, terminology, sense=sense.sense if sense else None, language=language)
    return Card(
        term=shown,
        usage=reading.usage,
        sense=sense,
        language=language,
        languages=languages if len(languages) > 1 else (),
        # A sense the sidecar gave no framings shows its definition alone.
        framings=tuple(f for f in ((chosen,) if chosen else (Framing.EXEC, Framing.ENGINEER)) if shown.framing(f)),
        preferred=preferred,
        role=role,
        related=related,
        attribution=attribution,
        expanded=expanded,
        docs_url=docs_url,
        review=review,
        today=today,
    )


@dataclass(frozen=True)
class Reading:
    """Where and how a person reads a card: what picks its sense and language."""

    channel: str = ""  # the channel asked in: the sidecar maps channels to domains
    sense: str = ""  # a sense asked for by a click ("" lets the channel, the role, then the order decide)
    language: str = ""  # a BCP 47 tag: the person's Slack locale, or a language asked for by a click
    usage: UsageNote | None = None  # the label asked for is discouraged
    # The channel's domains as its workspace mapped them on the Home (bot/workspaces); None: the sidecar's mapping.
    domains: tuple[str, ...] | None = None


def _related(glossary: Glossary, rel: Relation) -> RelatedTerm:
    # A target that resolved when the glossary was built but whose term has since gone stays plain text.
    target = glossary.get(rel.slug) if rel.slug else None
    if target is None:
        return RelatedTerm(rel.kind, rel.target, None)
    return RelatedTerm(rel.kind, target.term, target.slug)


def attribution_line(glossary_name: str, license: str) -> str:
    return f"From {glossary_name} · {license}"


def reading_dict(card: Card) -> dict[str, object]:
    """For JSON answers (the command line, MCP): the sense shown and why, the language, the other languages."""
    out: dict[str, object] = {"language": card.language}
    if card.sense:
        out["sense"] = card.sense.as_dict()
    if card.languages:
        out["languages"] = list(card.languages)
    return out
