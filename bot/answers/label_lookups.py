"""Where the words the glossary discourages are looked up: for each deprecated or forbidden label (the terminology
sidecar), how many lookups asked for exactly it, from which surface, most first. Only counts: the lookups table
holds no user or channel, so this cannot say who, or in which channel.

This is what the reviewer Home lists: a label looked up often is a word people still use, which the preferred
term's card, an announcement or a style rule (the Vale export) should reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..glossary.lookup import Glossary
from ..glossary.terminology import Usage
from ..state.lookups import LookupLog, clean_query
from ..state.store import now

SHOWN = 8  # labels listed; the rest are fewer lookups


@dataclass(frozen=True)
class LabelLookups:
    label: str  # as the sidecar writes it
    usage: Usage  # deprecated or forbidden
    slug: str  # the term to use instead
    preferred: str  # its name
    surfaces: tuple[tuple[str, int], ...]  # (surface, lookups), most first

    @property
    def total(self) -> int:
        return sum(n for _, n in self.surfaces)


def discouraged_keys(glossary: Glossary) -> dict[str, tuple[str, Usage, str, str]]:
    """The stored form of each discouraged label (as lookups.clean_query writes a query) -> (label, usage, slug,
    preferred name); a label whose term is not in the glossary now is left out."""
    keys: dict[str, tuple[str, Usage, str, str]] = {}
    for layer in glossary.terminology.layers.values():
        term = glossary.get(layer.slug)
        if term is None:
            continue
        for label in layer.labels:
            if label.usage.discouraged:
                keys.setdefault(clean_query(label.text), (label.text, label.usage, term.slug, term.term))
    return keys


def ranked(
    keys: Mapping[str, tuple[str, Usage, str, str]], found: Mapping[str, Mapping[str, int]], limit: int = SHOWN
) -> list[LabelLookups]:
    """The labels looked up at least once, most looked up first (ties by label)."""
    rows = []
    for key, by_surface in found.items():
        if key not in keys or not by_surface:
            continue
        label, usage, slug, preferred = keys[key]
        surfaces = tuple(sorted(by_surface.items(), key=lambda item: (-item[1], item[0])))
        rows.append(LabelLookups(label, usage, slug, preferred, surfaces))
    rows.sort(key=lambda r: (-r.total, r.label.lower()))
    return rows[:limit]


def discouraged_lookups(glossary: Glossary, lookups: LookupLog, days: int = 30) -> list[LabelLookups]:
    keys = discouraged_keys(glossary)
    if not keys:
        return []
    return ranked(keys, lookups.surfaces_of(keys, now() - dt.timedelta(days=days)))
