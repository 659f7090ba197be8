"""What the terminology sidecar adds to the glossary: usage of labels, senses, other languages. Plain values.

The 15 keys of a term file stay as they are (the upstream glossary keeps loading); everything here comes from
one optional file beside the term folder, `data/terminology.yml` (see sidecar.py for how it is read and checked,
senses.py for which sense a card shows). A glossary without that file has an empty Terminology and answers as
it always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .model import Problem
from .names import normalise

DEFAULT_LANGUAGE = "en"


class Usage(StrEnum):
    """How a label may be used, as terminology standards say it (TBX's normativeAuthorization, ISO 704)."""

    PREFERRED = "preferred"  # the word to use
    ADMITTED = "admitted"  # fine to use; the preferred one is better
    DEPRECATED = "deprecated"  # on its way out: say the preferred term instead
    FORBIDDEN = "forbidden"  # never in our writing: wrong, misleading or hurtful

    @property
    def discouraged(self) -> bool:
        return self in (Usage.DEPRECATED, Usage.FORBIDDEN)


USAGES: tuple[Usage, ...] = tuple(Usage)


@dataclass(frozen=True)
class Label:
    """A word for a term other than its name: `text` in `language`, with how it may be used and why."""

    text: str
    usage: Usage
    language: str = DEFAULT_LANGUAGE
    why: str = ""  # why it is discouraged: shown in "We say X, not Y: why"


@dataclass(frozen=True)
class Sense:
    """One meaning of a term. The term file's own text is the first sense; the sidecar adds the others."""

    key: str  # short and stable: what a button carries ("performance-review")
    name: str  # what a button shows ("performance review")
    short_def: str
    exec_framing: str = ""
    engineer_framing: str = ""
    domains: tuple[str, ...] = ()  # the contexts it belongs to: channel mappings name these
    roles: tuple[str, ...] = ()  # the roles that usually mean this sense
    related: tuple[str, ...] = ()  # term names, as relationships name them


@dataclass(frozen=True)
class Translation:
    """A term in another language (a BCP 47 tag): its name, other labels, short definition and framings."""

    language: str
    term: str
    short_def: str
    exec_framing: str = ""
    engineer_framing: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TermLayer:
    """Everything the sidecar says about one term."""

    slug: str
    labels: tuple[Label, ...] = ()
    senses: tuple[Sense, ...] = ()  # other senses, after the term file's own (see senses.py)
    main_name: str = ""  # what the term file's own sense is called on its button
    main_domains: tuple[str, ...] = ()  # the contexts of the term file's own sense
    main_roles: tuple[str, ...] = ()
    translations: tuple[Translation, ...] = ()

    def translation(self, language: str) -> Translation | None:
        """The translation for a tag, or for its base language ("fr" for "fr-CA"): None when there is none."""
        wanted = language.lower()
        for t in self.translations:
            if t.language.lower() == wanted:
                return t
        base = wanted.split("-")[0]
        return next((t for t in self.translations if t.language.lower().split("-")[0] == base), None)


@dataclass(frozen=True)
class UsageNote:
    """A label someone used that the glossary discourages, and the term to say instead."""

    label: str
    usage: Usage
    slug: str  # the term to use instead
    preferred: str  # its name, as the glossary writes it
    why: str = ""

    @property
    def sentence(self) -> str:
        """ "We say evaluation, not model testing: …" (plain text; renderers escape it)."""
        head = f"We say “{self.preferred}”, not “{self.label}”"
        return head + (f": {self.why}" if self.why else f" ({self.usage} here).")

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "usage": self.usage, "use_instead": self.slug, "why": self.why}


@dataclass(frozen=True)
class LabelHit:
    slug: str
    label: Label


@dataclass
class Terminology:
    """The sidecar, loaded: per-term layers, channel -> domains, and the problems found reading it."""

    layers: dict[str, TermLayer] = field(default_factory=dict)
    channels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    source_file: str = ""

    def __post_init__(self) -> None:
        self._labels: dict[str, LabelHit] = {}
        for layer in self.layers.values():
            for label in layer.labels:
                self._labels.setdefault(normalise(label.text), LabelHit(layer.slug, label))
            for t in layer.translations:
                for text in (t.term, *t.aliases):
                    hit = LabelHit(layer.slug, Label(text, Usage.ADMITTED, t.language))
                    self._labels.setdefault(normalise(text), hit)
        discouraged = sorted((k for k, h in self._labels.items() if h.label.usage.discouraged), key=len, reverse=True)
        words = "|".join(re.escape(k) for k in discouraged if k)
        self._discouraged = re.compile(rf"(?<!\w)(?:{words})(?!\w)") if words else None

    def layer(self, slug: str) -> TermLayer:
        return self.layers.get(slug) or TermLayer(slug)

    def label(self, text: str) -> LabelHit | None:
        """The term a label (in any language, of any usage) belongs to."""
        return self._labels.get(normalise(text))

    def usage_note(self, text: str, preferred_name: str) -> UsageNote | None:
        hit = self.label(text)
        if hit is None or not hit.label.usage.discouraged:
            return None
        label = hit.label
        return UsageNote(label.text, label.usage, hit.slug, preferred_name, label.why)

    def discouraged_in(self, text: str) -> list[LabelHit]:
        """Every deprecated or forbidden label the text uses, once each, in order of first use."""
        if self._discouraged is None:
            return []
        seen: dict[str, LabelHit] = {}
        for m in self._discouraged.finditer(normalise(text)):
            seen.setdefault(m.group(0), self._labels[m.group(0)])
        return list(seen.values())

    def domains_of(self, channel: str) -> tuple[str, ...]:
        return self.channels.get(channel, ())

    @property
    def languages(self) -> tuple[str, ...]:
        tags = {t.language for layer in self.layers.values() for t in layer.translations}
        return (DEFAULT_LANGUAGE, *sorted(tags - {DEFAULT_LANGUAGE}))


EMPTY = Terminology()
