"""Which sense of a term a person sees first, and the term as they read it (that sense, in their language).

The order, as the glossary owner would explain it: the sense whose domain the channel is about (the
sidecar's `channels`), then the sense meant by the person's role, then the glossary's own order (the term
file's sense first). The choice says why, so a card, a lookup and MCP can tell the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .model import LookupStatus, MatchHow, Term
from .names import NameIndex, normalise
from .results import LookupResult, Match
from .sidecar import MAIN_SENSE
from .terminology import DEFAULT_LANGUAGE, Sense, Terminology, TermLayer


@dataclass(frozen=True)
class SenseChoice:
    sense: Sense
    why: str  # "channel", "role" or "order"
    detail: str = ""  # the domain or role that decided it
    others: tuple[Sense, ...] = ()  # the senses one click away, in glossary order

    @property
    def is_main(self) -> bool:
        return self.sense.key == MAIN_SENSE

    @property
    def reason(self) -> str:
        """In words: why this sense comes first."""
        if self.why == "channel":
            return f"this channel is about {self.detail}"
        if self.why == "role":
            return f"your role is {self.detail}"
        if self.why == "asked":
            return "you asked for it"
        return "it is the glossary's first sense"

    def as_dict(self) -> dict[str, object]:
        return {
            "sense": self.sense.key,
            "name": self.sense.name,
            "why": self.why,
            "reason": self.reason,
            "others": [s.key for s in self.others],
        }


def all_senses(term: Term, layer: TermLayer) -> tuple[Sense, ...]:
    """The term file's own sense first, then the sidecar's, in the glossary's order."""
    main = Sense(
        MAIN_SENSE,
        layer.main_name or term.term,
        term.short_def,
        term.exec_framing,
        term.engineer_framing,
        layer.main_domains,
        layer.main_roles,
    )
    return (main, *layer.senses)


def choose_sense(
    term: Term,
    terminology: Terminology,
    *,
    channel: str = "",
    role: str = "",
    asked: str = "",
    domains: tuple[str, ...] | None = None,
) -> SenseChoice | None:
    """The sense to show first, and why; None for a term with one sense (nothing to choose).

    `domains`: the channel's domains as its workspace's admins mapped them from the Home; None leaves it to the
    sidecar's `channels`."""
    senses = all_senses(term, terminology.layer(term.slug))
    if len(senses) < 2:
        return None
    picked = next((s for s in senses if asked and s.key == asked), None)
    why, detail = "asked", ""
    if picked is None:
        if domains is None:
            domains = terminology.domains_of(channel) if channel else ()
        picked = next((s for s in senses if set(s.domains) & set(domains)), None)
        why, detail = "channel", next((d for d in domains if picked and d in picked.domains), "")
    if picked is None and role:
        picked = next((s for s in senses if role in s.roles), None)
        why, detail = "role", role.replace("_", " ")
    if picked is None:
        picked, why, detail = senses[0], "order", ""
    return SenseChoice(picked, why, detail, tuple(s for s in senses if s is not picked))


def as_read(term: Term, terminology: Terminology, *, sense: Sense | None = None, language: str = "") -> Term:
    """The term with the chosen sense's text and, when the glossary has it, the language's name and text.

    A translation covers the term file's own sense; another sense is shown in the glossary's language.
    """
    if sense is not None and sense.key != MAIN_SENSE:
        return replace(
            term, short_def=sense.short_def, exec_framing=sense.exec_framing, engineer_framing=sense.engineer_framing
        )
    translation = terminology.layer(term.slug).translation(language) if language else None
    if translation is None or language.split("-")[0].lower() == DEFAULT_LANGUAGE:
        return term
    return replace(
        term,
        term=translation.term,
        short_def=translation.short_def,
        exec_framing=translation.exec_framing or term.exec_framing,
        engineer_framing=translation.engineer_framing or term.engineer_framing,
    )


def label_answer(
    terminology: Terminology, terms: Mapping[str, Term], names: NameIndex, label: str, query: str
) -> LookupResult | None:
    """A label the sidecar lists (in any language, of any usage), when no other term has it as a name: a hit on its
    term. A deprecated or forbidden label answers with the term to say instead, and a note that says why."""
    if not terminology.layers:
        return None
    hit = terminology.label(label)
    term = terms.get(hit.slug) if hit else None
    if hit is None or term is None:
        return None
    _how, slugs, _key = names.resolve(label)
    if slugs and slugs != [term.slug]:
        return None  # another term's own name or alias: the term files win
    note = terminology.usage_note(query, term.term)
    how = MatchHow.NAME if normalise(hit.label.text) == normalise(term.term) else MatchHow.ALIAS
    return LookupResult(LookupStatus.HIT, query, (Match(term, 100.0, hit.label.text),), how, usage=note)
