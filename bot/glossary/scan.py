"""Every glossary term named in a piece of text: the scanner behind "Explain glossary terms" and `explain`.

One automaton holds every name and alias (normalised the way lookup normalises them, plus simple
plural and inflected forms), built once per glossary version; a scan is then one pass over the text,
whatever the size of the glossary. It takes terms, not a Glossary, so lookup can hold one per version.

What a person did not write as prose is not scanned: Slack mentions (`<@U…>`, `<#C…|name>`), links
(`<https://…|label>`, bare URLs), inline code and code blocks. Offsets are into the text as given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
from rapidfuzz import fuzz

from .model import Term
from .names import _QUOTES, normalise
from .variants import stem

MAX_TEXT = 40_000  # Slack's own limit for a message; more is a document, not a message

# Replaced by spaces of the same length before scanning, so offsets still point into the original.
# Linear on any text: a Slack markup body stops at the next "<" (Slack writes a literal "<" as "&lt;",
# so none is inside real markup). Without that, 40,000 characters of "<@" made each of 20,000 openers
# read to the end of the line: seconds per scan.
_NOT_PROSE = re.compile(
    r"```.*?```"  # code block: any later ``` closes an earlier one, so only the last can read to the end
    r"|`[^`\n]+`"  # inline code
    r"|<[@#!][^<>\n]*>"  # user, channel and special mentions
    r"|<[a-zA-Z][a-zA-Z0-9+.\-]*:[^<>\n]*>"  # Slack's links: <https://…|label>, <mailto:…>
    r"|\b(?:https?://|www\.)[^\s<>]+",  # bare URLs
    re.DOTALL,
)
_SEPARATOR = re.compile(r"[\s_\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
# ASCII's share of names.normalise: separators and white space to a space, the backquote to a quote,
# other control characters dropped.
_ASCII_FOLD = {
    **{c: None for c in range(32)},
    **{ord(c): " " for c in "_-\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"},
    ord("`"): "'",
    127: None,
}
_SPACE_RUN = re.compile(r" {2,}")
_SIBILANT = ("s", "x", "z", "ch", "sh")


@dataclass(frozen=True)
class Occurrence:
    start: int  # character offsets into the text as given: text[start:end] is what was written
    end: int
    text: str


@dataclass(frozen=True)
class Found:
    term: Term
    matched: str  # the name or alias it was found by, as the glossary writes it
    occurrences: tuple[Occurrence, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "slug": self.term.slug,
            "term": self.term.term,
            "matched": self.matched,
            "short_def": self.term.short_def,
            "occurrences": [{"start": o.start, "end": o.end, "text": o.text} for o in self.occurrences],
        }


@dataclass(frozen=True)
class _Key:
    length: int
    slugs: tuple[str, ...]
    spelling: str
    exact: bool  # the name or alias itself, not an inflected form


class Scanner:
    """An Aho-Corasick automaton over every normalised name and alias, and their simple inflections."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: dict[str, Term] = {}
        names: dict[str, tuple[list[str], str]] = {}  # key -> (slugs, spelling); a term's own name first
        aliases: dict[str, tuple[list[str], str]] = {}
        for term in terms:
            self.terms[term.slug] = term
            for name in (term.term, term.slug):
                _add(names, normalise(name), term.slug, term.term)
            for alias in term.aliases:
                _add(aliases, normalise(alias), term.slug, alias)
        keys: dict[str, _Key] = {}
        # A term's own name beats another term's alias of the same spelling, as in lookup.
        for key, (slugs, spelling) in [*names.items(), *aliases.items()]:
            if key and key not in keys:
                keys[key] = _Key(len(key), tuple(slugs), spelling, True)
        exact = set(keys)
        # Forms of a name's last word that lookup's stemmer folds to the same stem ("quantized" for
        # quantization, "reranker" for reranking): the forms `/define` finds. When two names share a form
        # ("tokenized": token, tokenizer), the closer spelling takes it only by lookup's margin, else both.
        forms: dict[str, list[tuple[float, str]]] = {}
        for key in exact:
            for form in inflections(key, keys[key].spelling) | derived_forms(key, keys[key].spelling):
                if form not in keys:
                    forms.setdefault(form, []).append((fuzz.ratio(form, key), key))
        for form, bases in forms.items():
            bases.sort(reverse=True)
            owners: tuple[str, ...] = keys[bases[0][1]].slugs
            if len(bases) > 1 and bases[0][0] - bases[1][0] < FORM_MARGIN:
                owners = tuple(dict.fromkeys(s for _, b in bases for s in keys[b].slugs))
            keys[form] = _Key(len(form), owners, keys[bases[0][1]].spelling, False)
        self.automaton = ahocorasick.Automaton()
        for key, value in keys.items():
            self.automaton.add_word(key, value)
        self.size = len(keys)
        if keys:
            self.automaton.make_automaton()

    def scan(self, text: str) -> list[Found]:
        """Terms in order of first appearance, each with every place it occurs."""
        text = text[:MAX_TEXT]
        if not self.size or not text:
            return []
        prose = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
        folded, where = fold(prose)
        hits = []
        for end, key in self.automaton.iter(folded):
            start = end - key.length + 1
            if _word_edge(folded, start - 1) and _word_edge(folded, end + 1):
                hits.append((start, end + 1, key))
        # Leftmost first, and at one place the longest name: "large language model" over "language model".
        hits.sort(key=lambda h: (h[0], -h[1]))
        found: dict[str, tuple[str, list[Occurrence]]] = {}
        reached = 0
        for start, end, key in hits:
            if start < reached:
                continue
            reached = end
            first, last = where[start], where[end - 1] + 1
            occurrence = Occurrence(first, last, text[first:last])
            for slug in key.slugs:
                found.setdefault(slug, (key.spelling, []))[1].append(occurrence)
        return [Found(self.terms[slug], spelling, tuple(seen)) for slug, (spelling, seen) in found.items()]


def _add(index: dict[str, tuple[list[str], str]], key: str, slug: str, spelling: str) -> None:
    slugs, _ = index.setdefault(key, ([], spelling))
    if slug not in slugs:
        slugs.append(slug)


def _word_edge(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or not (text[i].isalnum() or text[i] == "_")


def inflections(key: str, spelling: str = "") -> set[str]:
    """Plural and simple inflected forms of a name's last word: embeddings, fine-tuned, quantizing, LLMs.

    Regular English only; an irregular form worth finding belongs in the term's aliases.
    """
    head, _, last = key.rpartition(" ")
    if not last.isalpha() or len(last) < 2:
        return set()
    prefix = f"{head} " if head else ""
    forms = {last + "s"}
    if last.endswith(_SIBILANT):
        forms.add(last + "es")
    if len(last) > 2 and last.endswith("y") and last[-2] not in "aeiou":
        forms.add(last[:-1] + "ies")
    acronym = spelling.rpartition(" ")[2].isupper()  # RAG is not "raging"
    if len(last) > 3 and not acronym:  # verbs: tune -> tuned, tuning; embed -> embedded is left to aliases
        if last.endswith("e"):
            forms |= {last + "d", last[:-1] + "ing"}
        elif last.endswith("ing") and len(last) > 5:  # a process named by its -ing: fine-tuning -> fine-tuned, -tune
            stem = last[:-3]
            forms |= {stem + "ed", stem + "e", stem + "es"}
        elif not last.endswith("ed"):
            forms |= {last + "ed", last + "ing"}
    return {prefix + form for form in forms}


FORM_MARGIN = 8.0  # as ranking.VARIANT_MARGIN: a shared form belongs to the clearly closer name
# Endings a word of a name may take in a message; a form is kept only when the stemmer agrees it is the same
# word (quantization -> quantized, quantize; reranking -> reranker; hallucination -> hallucinated).
_ENDINGS = (
    "", "e", "s", "es", "ed", "ing", "er", "ers", "ion", "ions", "ation", "ate", "ated", "ating", "ize", "ized",
    "izing", "ise", "ised", "ising",
)  # fmt: skip
_SUFFIXES = sorted({e for e in _ENDINGS if e} | {"ization", "isation", "izer", "iser"}, key=len, reverse=True)


def derived_forms(key: str, spelling: str = "") -> set[str]:
    """Other forms of a name's last word with the same Snowball stem as the word, the way lookup's variant
    step reads them: "quantization" -> "quantized", "quantizing", "quantize"…"""
    head, _, last = key.rpartition(" ")
    if not last.isalpha() or len(last) < 4 or spelling.rpartition(" ")[2].isupper():  # RAG is not "raging"
        return set()
    target = stem(last)
    # The word without its longest ending is the root every form is built on: one root, a few forms.
    suffix = next((x for x in _SUFFIXES if last.endswith(x) and len(last) > len(x) + 2), "")
    root = last[: len(last) - len(suffix)]
    prefix = f"{head} " if head else ""
    forms = {root + ending for ending in _ENDINGS} | {last + "s"}
    return {prefix + f for f in forms if f != last and len(f) >= 4 and stem(f) == target}


def fold(text: str) -> tuple[str, list[int]]:
    """The text folded as `names.normalise` folds a name, and for each folded character its offset in `text`.

    Runs of separators become one space, so "fine  -  tuning" meets the key "fine tuning".
    """
    if text.isascii():
        # The common case, kept to C-speed string methods: lower() and the fold keep every offset.
        folded = text.lower()
        if len(folded.translate(_ASCII_FOLD)) != len(folded):  # a control character to drop: the slow path
            return _fold_each(text)
        folded = folded.translate(_ASCII_FOLD)
        if "  " not in folded:
            return folded, list(range(len(folded)))
        out: list[str] = []
        where: list[int] = []
        last = 0
        for run in _SPACE_RUN.finditer(folded):
            out.append(folded[last : run.start() + 1])
            where.extend(range(last, run.start() + 1))
            last = run.end()
        out.append(folded[last:])
        where.extend(range(last, len(folded)))
        return "".join(out), where
    return _fold_each(text)


def _fold_each(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    where = []
    for i, ch in enumerate(text):
        piece = _fold_char(ch)
        if piece == " " and chars and chars[-1] == " ":
            continue
        chars.extend(piece)
        where.extend([i] * len(piece))
    return "".join(chars), where


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if _SEPARATOR.fullmatch(ch):
        return " "
    folded = unicodedata.normalize("NFKC", ch).translate(_QUOTES).casefold()
    folded = "".join(c for c in folded if not unicodedata.category(c).startswith("C"))
    return " " if folded and _SEPARATOR.fullmatch(folded) else folded
