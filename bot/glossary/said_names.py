"""Everyday names a term's own text gives it: "People call it the creativity slider", "also known as an AI firewall".

A glossary writer often says how people talk about a concept without making those words aliases: they are not
the term's name, and an alias would turn "AI lying" into a confident card for *hallucination*. The meaning lane
cannot rely on them either: in a whole definition, one sentence about what people say weighs little, and a word or
two of loose naming is held to the strictest meaning floor ("AI lying" scores 38 against a floor of 51).

So the builder reads the sentences that name (a naming cue: "call it", "known as", "speak of", "people say") and
keeps each run of two or three content words in them (by stem, question filler left out) that no other term's
text holds. A text holding one of those runs is offered that term, as a suggestion only, never a confident hit:
"why is the AI lying to me?" holds "AI lying" ("the AI is lying" in *hallucination*'s text). Unique to one term's
text, such a run is that term's own wording, not a phrase of the field ("language model" is in dozens).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .model import Term
from .names import normalise
from .questions import FILLER
from .variants import stem, words

SHORTEST, LONGEST = 2, 3  # content words in a kept run: one word alone is a word of the field, not a name
# Runs kept from one term's naming sentences, in the order written: the names come first, and a long list after a
# cue (or a term written to hold every phrase) must not grow the index without end.
MOST_PER_TERM = 16
READ_UP_TO = 2000  # characters of a text looked through, as the meaning lane reads a pasted page's start
# What introduces the names people use, in the words glossary writers use for it: "People call it", "also known
# as", "People also speak of". The names are what follows, to the end of the sentence. A bare "call" or "say" is not
# one: "a tool call", "the spec says".
_NAMING = re.compile(
    r"\b(?:call(?:s|ed)? (?:it|them|this|that)|(?:also|sometimes|often|commonly|loosely|informally) called|"
    r"known as|referred to as|speak(?:s)? of|talk(?:s)? of|people (?:\w+ )?(?:say|call|speak of|talk of)|"
    r"nicknamed|dubbed|a\.?k\.?a\.?)\s",
    re.IGNORECASE,
)
_CUE_WORDS = ("call", "known as", "referred to", "speak", "talk", "people", "nicknamed", "dubbed", "aka", "a.k.a")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# Where the names end and the sentence goes on about something else: "the AI is lying or bluffing, though no
# intent to deceive is involved".
_CLAUSE = re.compile(
    r"\b(?:though|although|but|which|that|who|whose|where|when|as|because|while|whereas|since|rather than|"
    r"unless|yet)\b",
    re.IGNORECASE,
)
# Sentences, and the parts of a list of names ("an AI firewall, content moderation or safety rails"): a run
# never joins two of them.
_PARTS = re.compile(r"[.!?;:,()\"“”]+\s*|\s+\bor\b\s+")


def content_stems(text: str) -> list[str]:
    """A text's content words by stem, in order: the words a run is made of."""
    return [stem(w) for w in words(normalise(text)) if w not in FILLER and len(w) > 1]


def runs(stems: list[str]) -> Iterable[str]:
    """Every run of SHORTEST to LONGEST consecutive stems, joined by spaces."""
    for n in range(SHORTEST, LONGEST + 1):
        for i in range(len(stems) - n + 1):
            yield " ".join(stems[i : i + n])


def _parts(text: str) -> list[list[str]]:
    return [content_stems(part) for part in _PARTS.split(text) if part.strip()]


def build(terms: Iterable[Term]) -> dict[str, str]:
    """run -> the one term whose naming sentences hold it and whose text alone holds it."""
    terms = list(terms)
    named: dict[str, set[str]] = defaultdict(set)
    for t in terms:
        own = [
            run
            for text in t.word_lane_prose()
            for names in _names_given(text)
            for part in _parts(names)
            for run in runs(part)
        ]
        for run in list(dict.fromkeys(own))[:MOST_PER_TERM]:
            named[run].add(t.slug)
    if not named:
        return {}
    # How many terms' texts hold each candidate run anywhere: only the candidates are counted, so a glossary of
    # 10,000 terms is one pass over its words, not a table of every pair of words it holds.
    holders: dict[str, set[str]] = defaultdict(set)
    for t in terms:
        for text in t.word_lane_prose():
            for part in _parts(text):
                for run in runs(part):
                    if run in named:
                        holders[run].add(t.slug)
    return {run: next(iter(slugs)) for run, slugs in named.items() if len(slugs) == 1 and holders[run] == slugs}


def _names_given(text: str) -> Iterable[str]:
    """What follows each naming cue of a text, to the end of its sentence or clause."""
    low = text.lower()
    # A plain substring test first: the cue pattern over every sentence of 10,000 terms took 1.2 s, and most
    # texts hold none of these words.
    if not any(word in low for word in _CUE_WORDS):
        return
    for cue in _NAMING.finditer(text):
        end = _SENTENCE_END.search(text, cue.end())
        yield _CLAUSE.split(text[cue.end() : end.start() if end else len(text)], maxsplit=1)[0]


def said_in(text: str, said: dict[str, str]) -> list[str]:
    """The terms whose everyday names `text` holds, each once."""
    if not said:
        return []
    found: dict[str, None] = {}
    for part in _parts(text[:READ_UP_TO]):
        for run in runs(part):
            slug = said.get(run)
            if slug is not None:
                found[slug] = None
    return list(found)
