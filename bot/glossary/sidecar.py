"""The terminology sidecar (`data/terminology.yml`) -> a Terminology and its problems, each with file and line.

Read with the same bounded parser as a term file. Each term's entry is checked on its own: an entry with an
error is left out (its term answers as the term file says) and every other entry still applies; a file that
cannot be read at all leaves the glossary as its term files make it. The format is in the README
("Senses, usage and languages") and in `python -m bot check --help`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model import ROLE_KEYS, Problem, Severity, Term
from .names import normalise
from .parse import FieldPath, ParsedFile, parse_text, read_term_file
from .terminology import DEFAULT_LANGUAGE, USAGES, Label, Sense, Terminology, TermLayer, Translation, Usage

TOP_KEYS = ("channels", "terms")
ENTRY_KEYS = ("labels", "sense", "senses", "languages")
LABEL_KEYS = ("label", "usage", "language", "why")
SENSE_KEYS = ("key", "name", "short_def", "audiences", "domains", "roles", "related")
MAIN_SENSE_KEYS = ("name", "domains", "roles")
LANGUAGE_KEYS = ("term", "aliases", "short_def", "audiences")
# BCP 47 in the shape glossaries use: a language, then optional script, region or variant subtags.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SENSE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAIN_SENSE = "main"  # the key of the term file's own sense
SHORT_DEF_CHARS, SHORT_DEF_WORDS, LABEL_CHARS = 320, 40, 100


class _Entry:
    """One part of the file being checked: its problems carry the file name and the line of each field."""

    def __init__(self, pf: ParsedFile, problems: list[Problem]):
        self.pf, self.problems, self.errors = pf, problems, 0

    def error(self, path: FieldPath, message: str, severity: Severity = Severity.ERROR) -> None:
        self.errors += severity is Severity.ERROR
        field = ".".join(str(p) for p in path)
        self.problems.append(Problem(severity, self.pf.name, field, message, self.pf.line(path)))

    def keys(self, value: Any, path: FieldPath, allowed: tuple[str, ...], what: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            self.error(path, f"should be a mapping (key: value) describing {what}")
            return {}
        for key in value:
            if key not in allowed:
                self.error((*path, key), f"is not a key of {what}; use {', '.join(allowed)}")
        return value

    def text(self, value: Any, path: FieldPath, *, required: bool = True, limit: int = 2000) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(path, "should be non-empty text")
            return ""
        if len(value) > limit:
            self.error(path, f"is {len(value)} characters; keep it under {limit}")
        return value.strip()

    def texts(self, value: Any, path: FieldPath, *, allowed: tuple[str, ...] = ()) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(path, "should be a list")
            return ()
        out = tuple(self.text(v, (*path, i), limit=LABEL_CHARS) for i, v in enumerate(value))
        for i, v in enumerate(out):
            if allowed and v and v not in allowed:
                self.error((*path, i), f"'{v}' is not one of {', '.join(allowed)}")
        return out

    def short_def(self, value: Any, path: FieldPath) -> str:
        text = self.text(value, path, limit=SHORT_DEF_CHARS)
        if len(text.split()) > SHORT_DEF_WORDS:
            self.error(path, f"has {len(text.split())} words; a short definition has at most {SHORT_DEF_WORDS}")
        return text

    def framings(self, value: Any, path: FieldPath) -> tuple[str, str]:
        if value is None:
            return "", ""
        audiences = self.keys(value, path, ("exec", "engineer"), "the two framings")
        return (
            self.text(audiences.get("exec"), (*path, "exec"), required=False),
            self.text(audiences.get("engineer"), (*path, "engineer"), required=False),
        )


def load_terminology(path: Path | None, terms: Mapping[str, Term]) -> Terminology:
    """The sidecar at `path` for these terms (slug -> term); an empty Terminology when there is no such file."""
    if path is None or not path.is_file():
        return Terminology()
    problems: list[Problem] = []
    read = read_term_file(path)
    pf = parse_text(read, problems) if read is not None else None
    if pf is None or pf.data is None:
        return Terminology(problems=problems, source_file=str(path))
    top = _Entry(pf, problems)
    data = top.keys(pf.data, (), TOP_KEYS, "the terminology file")
    channels = _channels(top, data.get("channels"))
    layers: dict[str, TermLayer] = {}
    entries = data.get("terms") or {}
    if not isinstance(entries, dict):
        top.error(("terms",), "should be a mapping of term slugs to what the sidecar adds to them")
        entries = {}
    names = {normalise(n): t.slug for t in terms.values() for n in (t.term, t.slug)}
    claimed: dict[str, str] = {}
    for slug, value in entries.items():
        layer = _layer(_Entry(pf, problems), str(slug), value, terms, names, claimed)
        if layer is not None:
            layers[layer.slug] = layer
    return Terminology(layers, channels, problems, str(path))


def _channels(entry: _Entry, value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        entry.error(("channels",), "should map channel IDs (C0123ABC) to lists of domains")
        return {}
    return {str(k): entry.texts(v, ("channels", k)) for k, v in value.items()}


def _layer(
    entry: _Entry, slug: str, value: Any, terms: Mapping[str, Term], names: dict[str, str], claimed: dict[str, str]
) -> TermLayer | None:
    """One term's entry, or None when it has an error (its problems say where and why)."""
    path: FieldPath = ("terms", slug)
    if slug not in terms:
        entry.error(path, "names no term in the glossary; use a term's slug (its file name without .yml)")
        return None
    data = entry.keys(value, path, ENTRY_KEYS, "a term's entry")
    labels = _labels(entry, data.get("labels"), (*path, "labels"), slug, names, claimed)
    main = entry.keys(data.get("sense") or {}, (*path, "sense"), MAIN_SENSE_KEYS, "the term file's own sense")
    senses = _senses(entry, data.get("senses"), (*path, "senses"))
    translations = _translations(entry, data.get("languages"), (*path, "languages"))
    if entry.errors:
        return None
    return TermLayer(
        slug,
        labels,
        senses,
        translations=translations,
        main_name=entry.text(main.get("name"), (*path, "sense", "name"), required=False) or terms[slug].term,
        main_domains=entry.texts(main.get("domains"), (*path, "sense", "domains")),
        main_roles=entry.texts(main.get("roles"), (*path, "sense", "roles"), allowed=ROLE_KEYS),
    )


def _labels(
    entry: _Entry, value: Any, path: FieldPath, slug: str, names: dict[str, str], claimed: dict[str, str]
) -> tuple[Label, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        entry.error(path, "should be a list of labels, each with `label` and `usage`")
        return ()
    out = []
    for i, item in enumerate(value):
        at = (*path, i)
        data = entry.keys(item, at, LABEL_KEYS, "a label")
        text = entry.text(data.get("label"), (*at, "label"), limit=LABEL_CHARS)
        usage = data.get("usage")
        if usage not in USAGES:
            entry.error((*at, "usage"), f"should be one of {', '.join(USAGES)}")
            continue
        language = _language(entry, data.get("language", DEFAULT_LANGUAGE), (*at, "language"))
        why = entry.text(data.get("why"), (*at, "why"), required=False, limit=300)
        key = normalise(text)
        owner = names.get(key)
        if owner and owner != slug:
            entry.error((*at, "label"), f"'{text}' is the name of the term '{owner}'; a label cannot name another term")
            continue
        if claimed.setdefault(key, slug) != slug:
            entry.error((*at, "label"), f"'{text}' is already a label of '{claimed[key]}'; keep it on one term")
            continue
        if Usage(usage).discouraged and not why:
            entry.error((*at, "why"), "is missing: say in a few words why this label is discouraged", Severity.WARNING)
        out.append(Label(text, Usage(usage), language, why))
    return tuple(out)


def _language(entry: _Entry, value: Any, path: FieldPath) -> str:
    if not isinstance(value, str) or not LANGUAGE_TAG.match(value):
        entry.error(path, f"'{value}' is not a BCP 47 language tag; write one such as fr, de or pt-BR")
        return DEFAULT_LANGUAGE
    return value


def _senses(entry: _Entry, value: Any, path: FieldPath) -> tuple[Sense, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        entry.error(path, "should be a list of senses, each with `key`, `name` and `short_def`")
        return ()
    out: list[Sense] = []
    for i, item in enumerate(value):
        at = (*path, i)
        data = entry.keys(item, at, SENSE_KEYS, "a sense")
        key = data.get("key")
        if not isinstance(key, str) or not SENSE_KEY.match(key) or key == MAIN_SENSE:
            entry.error((*at, "key"), "should be a short lower-case key with hyphens (performance-review), not main")
        elif any(s.key == key for s in out):
            entry.error((*at, "key"), f"'{key}' is the key of an earlier sense; give each sense its own")
        exec_framing, engineer_framing = entry.framings(data.get("audiences"), (*at, "audiences"))
        out.append(
            Sense(
                str(key),
                entry.text(data.get("name"), (*at, "name"), limit=LABEL_CHARS),
                entry.short_def(data.get("short_def"), (*at, "short_def")),
                exec_framing,
                engineer_framing,
                entry.texts(data.get("domains"), (*at, "domains")),
                entry.texts(data.get("roles"), (*at, "roles"), allowed=ROLE_KEYS),
                entry.texts(data.get("related"), (*at, "related")),
            )
        )
    return tuple(out)


def _translations(entry: _Entry, value: Any, path: FieldPath) -> tuple[Translation, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        entry.error(path, "should map language tags (fr, de) to the term in that language")
        return ()
    out = []
    for tag, item in value.items():
        at = (*path, tag)
        language = _language(entry, tag, at)
        if language == DEFAULT_LANGUAGE:
            entry.error(at, "is the term file's own language; list other languages here")
        data = entry.keys(item, at, LANGUAGE_KEYS, "a translation")
        exec_framing, engineer_framing = entry.framings(data.get("audiences"), (*at, "audiences"))
        out.append(
            Translation(
                language,
                entry.text(data.get("term"), (*at, "term"), limit=LABEL_CHARS),
                entry.short_def(data.get("short_def"), (*at, "short_def")),
                exec_framing,
                engineer_framing,
                entry.texts(data.get("aliases"), (*at, "aliases")),
            )
        )
    return tuple(out)
