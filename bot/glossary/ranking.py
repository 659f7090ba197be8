"""How close a glossary term is to what someone typed: the indexes and the one scoring function of lookup.

Built once per glossary version, read-only after, so threads share it. The thresholds at the top are
calibrated on the labelled queries in bench/quality/ (`python -m bench.quality`); tests/test_lookup_quality.py
holds the rates they reach, so a change that moves them has to show its figures.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from . import said_names
from .model import Term
from .names import NameIndex, normalise
from .questions import FILLER
from .text_table import TextTable
from .typo_filter import BigramFilter, extract_within
from .variants import CHAT_ABBREVIATIONS, acronyms, stem, variant_key, words

# -- calibrated on bench/quality (see RESULTS.md there) --------------------------------------------
SEARCH_FLOOR = 42.0  # a search result scoring below this names nothing the person asked about
VARIANT_MARGIN = 8.0  # an inflection is a hit only when its term is this much closer than the next
CANDIDATES = 30  # full-text candidates rescored per query
# Weights of where a query word is found in a term; the whole text counts least.
FIELD_WEIGHTS = {"name": 1.0, "alias": 0.85, "short": 0.6, "text": 0.35}
COVERAGE_SHARE = 0.3  # how much of the score is "how much of the term's own name did they type"
MAX_WORDS = 16  # a pasted paragraph is judged on its first words

# -- the meaning lane (meaning.py), calibrated on the development half of bench/quality/hand ------------
# A text of a word or two names something: when no name, alias, variant or typo matched, it names a term the
# glossary lacks ("MLOps", "knowledge cutoff") far more often than it describes one, so its meaning must be
# very close. A longer text describes, and a looser floor lets "when the model makes stuff up" reach its term.
JOINED_PART = 3  # a word read as two joined words: each part this long at least ("fine|tune", never "a|gent")
MENDED_WORD = 4  # shorter words are never mended: "rag", "kv" and "ai" are a letter from too much
# The floor falls linearly with the words that can name something, from MEANING_FLOOR_ONE_WORD by
# MEANING_FLOOR_STEP a word, down to MEANING_FLOOR_LONG. Meaning scores run from -100 to 100 (a cosine, scaled
# like the other scores).
MEANING_FLOOR_ONE_WORD = 54.0
MEANING_FLOOR_STEP = 3.0
MEANING_FLOOR_LONG = 30.0
MEANING_CLOSEST = 25.0
# A long text (a paste, a status update) sits near many terms at once: offered only when its best term stands out
# from the next by PEAK, or clears the floor by CLEAR_ABOVE_FLOOR.
LONG_TEXT_WORDS = 12
PEAK = 1.0
CLEAR_ABOVE_FLOOR = 5.0
# With the meaning lane on, a full-text result is offered only above this score and when its meaning is not
# far from the text's: both signals decide (calibrated with the floors above).
AGREED_SEARCH_FLOOR = 50.0
AGREEMENT = 20.0  # below this, a miss lists no "closest terms": they would be noise
MEANING_CANDIDATES = 10
# Both lanes agreeing: a term close in meaning (within SHARED_WORDS_MARGIN below the floor) whose own text also
# holds SHARED_WORDS of the question's words is offered. On the development sets this reached 17 more
# descriptions than the floor alone, for two more off-topic lines offered.
SHARED_WORDS = 3
SHARED_WORDS_MARGIN = 12.0
# A word that names a term, in a message otherwise about nothing the glossary holds, is the everyday word: "pruning
# the roses", "a wheel alignment", "a token of appreciation". With the term's name taken out, a rest of at least
# CONTEXT_WORDS words whose best meaning score stays under CONTEXT_FLOOR offers nothing (the best among the whole
# text's closest terms in open_ended.py, which hold whatever the rest is about; for a term named inside a
# question, among all terms).
# On the development sets of both glossaries this turned 7 off-topic lines into clean misses and lost no right
# answer (the nearest, a description whose rest scored 20.2, stays).
CONTEXT_WORDS = 4
CONTEXT_FLOOR = 20.0

_ACRONYM_CASE = re.compile(r"^[^\s]*[A-Z][^\s]*[A-Z][^\s]*$")  # LoRA, RLHF: written as an acronym
# An acronym written in a definition (PEFT, SFT): two capitals or more, at most eight characters.
_WRITTEN_ACRONYM = re.compile(r"(?<![\w-])[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?![\w-])")
# An acronym that several definitions use is common vocabulary (API, GPU), not a pointer to one term.
TEXT_ACRONYM_TERMS = 3


def typo_allowance(length: int) -> int:
    """Edits a typo of a name this long may have: none for three letters or fewer, then 1, 2, 3."""
    if length <= 3:
        return 0
    return 1 if length <= 7 else 2 if length <= 15 else 3


class Ranker:
    # The indexes __init__ builds, saved with the glossary's index (snapshot.py) so a start with unchanged
    # files loads them instead of building them again.
    SAVED = (
        "_variants",
        "_plurals",
        "_acronyms",
        "_text_acronyms",
        "_phrases",
        "_df",
        "_idf_n",
        "_typo_choices",
        "_name_words",
        "_said",
    )

    # Kept as text tables (text_table.py): saved as byte strings, which a saved index maps.
    TABLES = ("_text_words", "_coverage")

    def __init__(self, terms: Iterable[Term], names: NameIndex):
        self._setup(terms, names)
        self._variants: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # key -> (slug, key, spelling)
        self._plurals: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self._acronyms: dict[str, list[str]] = defaultdict(list)
        self._text_acronyms: dict[str, list[str]] = defaultdict(list)  # written in a term's text -> slugs
        # slug -> the content stems of each name and alias: one line each, "stem stem", read back as lists
        # (each holds distinct stems, so counting the ones asked is the same as intersecting). A text table
        # like the next, mapped from a saved index: as tuples of tuples they were 2.8 MB at 10,000 terms.
        self._names_lines: dict[str, str] = {}
        # slug -> the stems of its name, its aliases, its short definition and its whole text, in FIELD_WEIGHTS'
        # order, each field " stem stem … " and the four joined by "\n": one string a term (a dict of three
        # frozensets a term was ~1.4 KB, 14 MB at 10,000 terms, and most of a warm load's time). A stem is found
        # as " stem " (no stem holds a space or a newline); its first place is in the first field that has it.
        # Kept as one block of bytes (text_table.py), which a saved index maps: 6.6 MB at 10,000 terms that
        # every worker held as strings of its own.
        self._lines: dict[str, str] = {}
        self._phrases = 1
        by_length: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        df: Counter[str] = Counter()
        for t in self.terms.values():
            df.update(self._index_term(t, by_length) - {""})
        self._idf_n = len(self.terms) + 1
        self._df: dict[str, int] = df
        self._text_words = TextTable.of(self._lines)
        self._coverage = TextTable.of(self._names_lines)
        del self._lines, self._names_lines
        # Every name and alias a typo may be of, shortest first: a typo's reach in length is one slice.
        self._typo_choices = [c for n in sorted(by_length) for c in sorted(set(by_length[n]))]
        # The words names and aliases are made of, shortest first: what a misspelt word in a question may be.
        # Saved, not derived on load: splitting every name again was a tenth of a warm load.
        name_words = {
            w for key, _, _ in self._typo_choices for w in words(key) if len(w) >= MENDED_WORD and w.isalpha()
        }
        self._name_words = sorted(name_words, key=lambda w: (len(w), w))
        self._said = said_names.build(self.terms.values())
        self._derive()

    @classmethod
    def from_state(cls, terms: Iterable[Term], names: NameIndex, state: dict[str, object]) -> Ranker:
        """A ranker from what `state()` returned for the same terms: nothing is indexed again."""
        ranker = cls.__new__(cls)
        ranker._setup(terms, names)
        for name in cls.SAVED:
            setattr(ranker, name, state[name])
        for table in cls.TABLES:
            setattr(ranker, table, TextTable.from_state([state[f"{table}{part}"] for part in _TABLE_PARTS]))
        ranker._derive()
        return ranker

    def state(self) -> dict[str, object]:
        """The indexes as plain values (dicts, lists, tuples, strings, numbers, frozensets, and byte strings,
        which a saved index maps rather than decodes)."""
        state = {name: _plain(getattr(self, name)) for name in self.SAVED}
        for table in self.TABLES:
            state.update(zip((f"{table}{part}" for part in _TABLE_PARTS), getattr(self, table).state(), strict=True))
        return state

    def _setup(self, terms: Iterable[Term], names: NameIndex) -> None:
        self.names = names
        self.search_floor = SEARCH_FLOOR
        self.variant_margin = VARIANT_MARGIN
        self.candidate_limit = CANDIDATES
        self.agreed_search_floor = AGREED_SEARCH_FLOOR
        self.agreement = AGREEMENT
        self.shared_words_margin = SHARED_WORDS_MARGIN
        self.terms = {t.slug: t for t in terms}

    def _derive(self) -> None:
        self._joined_heads = {
            written.split(" ")[0]
            for found in self._variants.values()
            for _, written, _ in found
            if written.count(" ") == 1
        }
        self._typo_keys = [key for key, _, _ in self._typo_choices]
        self._typo_lengths = [len(key) for key in self._typo_keys]
        self._typo_filter = BigramFilter(self._typo_keys)  # which names a typo can reach (typo_filter.py)
        self._name_word_lengths = [len(w) for w in self._name_words]

    def _index_term(self, t: Term, by_length: dict[int, list[tuple[str, str, str]]]) -> frozenset[str]:
        """Indexes one term; returns the stems of its name, aliases and short definition (for document counts)."""
        spellings = [(t.term, t.term), (t.slug, t.term)] + [(a, a) for a in t.aliases]
        fields = {"name": _stems(normalise(t.term)) | _stems(normalise(t.slug)), "alias": frozenset[str]()}
        coverage = []
        for written, spelling in spellings:
            key = normalise(written)
            if not key:
                continue
            acronym_case = written in t.aliases and bool(_ACRONYM_CASE.match(written))
            if not acronym_case:  # an acronym has no stem: "HEPS" is not an inflection of "HEP"
                self._variants[variant_key(key)].append((t.slug, key, spelling))
            if " " not in key and key.isalpha() and len(key) <= 5:
                # LLMs, GPUs: the plural of a short name, exactly (the stemmer would fold "sses" to "ss")
                self._plurals[key + "s"].append((t.slug, key, spelling))
            for acronym in acronyms(key):
                if t.slug not in self._acronyms[acronym]:
                    self._acronyms[acronym].append(t.slug)
            self._phrases = max(self._phrases, len(words(key)))
            content = tuple(dict.fromkeys(stem(w) for w in words(key) if w not in FILLER))
            if content:
                coverage.append(content)
            if written in t.aliases:
                fields["alias"] = fields["alias"] | _stems(key)
            # Short names and acronyms match exactly only: "pia" must not be a typo of "pizza".
            if len(key) > 3 and not acronym_case:
                by_length[len(key)].append((key, t.slug, spelling))
        fields["short"] = _stems(normalise(t.short_def))
        prose = " ".join((t.short_def, t.long_def, t.exec_framing, t.engineer_framing))
        for written in set(_WRITTEN_ACRONYM.findall(prose)):
            if len(written) <= 8:
                self._text_acronyms[written.lower()].append(t.slug)
        self._names_lines[t.slug] = "\n".join(" ".join(c) for c in coverage)
        # Worked out here, not when a question first reaches the term: a question of new words reaches thirty new
        # terms, and stemming their texts was 12% of a /define's time. One string a term (a set would be ~4x the
        # memory); a stem is found in it as " stem ", and no stem holds a space.
        text = " ".join(t.word_lane_prose())
        whole = _stems(normalise(text))
        self._lines[t.slug] = "\n".join(map(_joined, (fields["name"], fields["alias"], fields["short"], whole)))
        return fields["name"] | fields["alias"] | fields["short"]

    # -- exact steps ---------------------------------------------------------------------------

    def variant(self, key: str, *, acronym: bool = False) -> list[tuple[str, float, str]]:
        """Terms whose name or alias is an inflection of the key, closest spelling first. What was typed as
        an acronym (`acronym`) only meets the plural of a short name: LLMs."""
        found = self._plurals.get(key) or (None if acronym else self._variants.get(variant_key(key)))
        if not found and not acronym:
            found = self._joined(key)
        if not found:
            return []
        best: dict[str, tuple[str, float, str]] = {}
        for slug, original, spelling in found:
            score = float(fuzz.ratio(key, original))
            if slug not in best or score > best[slug][1]:
                best[slug] = (slug, score, spelling)
        return sorted(best.values(), key=lambda f: -f[1])

    def _joined(self, key: str) -> list[tuple[str, str, str]]:
        """A two-word name typed as one word and inflected ("finetune", "finetuned" for fine-tuning): the
        squashed name alone only meets the name's own form, and the stemmer cannot split a word."""
        if " " in key or not key.isalpha() or len(key) < 2 * JOINED_PART:
            return []
        for cut in range(JOINED_PART, len(key) - JOINED_PART + 1):
            # Only where the first part is a two-word name's first word as written (the inflection is at the
            # end): a few set lookups, so a question's every word can be tried without stemming each split.
            if key[:cut] in self._joined_heads:
                found = self._variants.get(variant_key(f"{key[:cut]} {key[cut:]}"))
                if found:
                    return found
        return []

    def acronym(self, key: str, *, strict: bool) -> list[tuple[str, float, str]]:
        """Terms whose name spells the key. `strict` (typed in lower case): only those whose own text uses
        the acronym or whose name has it as a word, since a lower-case word is more often just a word."""
        if " " in key or not key.isalnum() or not 2 <= len(key) <= 8 or key in CHAT_ABBREVIATIONS:
            return []
        slugs = self._acronyms.get(key, [])
        supported = [s for s in slugs if self._uses_acronym(s, key)]
        chosen = supported if strict else supported + [s for s in slugs if s not in supported]
        return [(s, 95.0 if s in supported else 90.0, self.terms[s].term) for s in chosen]

    def acronym_swapped(self, key: str) -> list[tuple[str, float, str]]:
        """Names an acronym typed with two letters swapped ("RHLF") may mean: offered, never a hit. Acronyms are
        kept out of the typo search (one edit from "pia" is "pizza"), but a swap keeps every letter."""
        if not key.isalnum() or not 3 <= len(key) <= 8:
            return []
        found: dict[str, tuple[str, float, str]] = {}
        for i in range(len(key) - 1):
            if key[i] == key[i + 1]:
                continue
            _, slugs, said = self.names.resolve(key[:i] + key[i + 1] + key[i] + key[i + 2 :])
            for slug in slugs:
                found.setdefault(slug, (slug, 85.0, self.names.spelling.get((said, slug), self.terms[slug].term)))
        return list(found.values())

    def acronym_in_text(self, key: str) -> list[tuple[str, float, str]]:
        """Terms whose definitions write the key as an acronym (PEFT in low-rank adaptation's text) when no
        name spells it: worth offering, never a hit. Left out when many terms use it (API, GPU)."""
        slugs = self._text_acronyms.get(key, [])
        if not slugs or len(slugs) > TEXT_ACRONYM_TERMS or key in CHAT_ABBREVIATIONS:
            return []
        return [(s, 80.0, self.terms[s].term) for s in slugs]

    def _uses_acronym(self, slug: str, key: str) -> bool:
        t = self.terms[slug]
        return key in words(normalise(t.term)) or self.in_text(slug, stem(key))

    def named_inside(self, subject: str) -> tuple[str, str, bool] | None:
        """The longest name, alias or inflected name written as whole words inside a question:
        (slug, spelling, whether it is all the question names)."""
        said = words(subject)
        content = {stem(w) for w in said if w not in FILLER}
        for n in range(min(len(said), self._phrases), 0, -1):
            for i in range(len(said) - n + 1):
                phrase = " ".join(said[i : i + n])
                if n == 1 and (phrase in FILLER or len(phrase) < 2):
                    continue
                slug, spelling = self._one_term(phrase)
                if slug:
                    rest = content - {stem(w) for w in said[i : i + n]}
                    return slug, spelling, not rest
        return None

    def _one_term(self, phrase: str) -> tuple[str, str]:
        how, slugs, key = self.names.resolve(phrase)
        if len(slugs) == 1:
            return slugs[0], self.names.spelling.get((key, slugs[0]), self.terms[slugs[0]].term)
        if slugs:
            return "", ""
        ranked = self.variant(phrase)
        if len(ranked) == 1 or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] >= self.variant_margin):
            return ranked[0][0], ranked[0][2]
        return "", ""

    # -- typos and search ----------------------------------------------------------------------

    def typos(self, key: str, limit: int = 5) -> list[tuple[str, float, str]]:
        """Names and aliases within a typo's reach (edits allowed grow with length), closest first."""
        allowed = typo_allowance(len(key))
        if not allowed:
            return []
        # Each edit changes the length by one at most: only names within `allowed` of its length can match.
        lo = bisect_left(self._typo_lengths, len(key) - allowed)
        hi = bisect_right(self._typo_lengths, len(key) + allowed)
        best: dict[str, tuple[int, float, str]] = {}
        # Levenshtein with a small cutoff is rapidfuzz's fastest path; a swap of two letters costs it 2, so
        # it casts one edit wider, and the true (OSA, a swap is one edit) distance sorts out the rest.
        wide = extract_within(
            key, self._typo_keys, lo, hi, cutoff=allowed + 1, limit=limit * 8, prefilter=self._typo_filter
        )
        found = [(c, OSA.distance(key, c), i) for c, _, i in wide]
        for choice, distance, index in found:
            if distance > allowed:
                continue
            _, slug, spelling = self._typo_choices[lo + index]
            score = 100.0 * (1 - distance / max(len(key), len(choice)))
            if slug not in best or (distance, -score) < (best[slug][0], -best[slug][1]):
                best[slug] = (int(distance), score, spelling)
        ranked = sorted(best.items(), key=lambda kv: (kv[1][0], -kv[1][1]))
        return [(slug, round(score, 1), spelling) for slug, (_, score, spelling) in ranked[:limit]]

    def mend_words(self, key: str, everyday: frozenset[str] = frozenset()) -> str:
        """The text with each word the glossary does not know replaced by the closest word of a name, within a
        typo's reach: "is modle drfit a problem" -> "is model drift a problem". Words it knows stay as typed,
        so "red teeming our bot" becomes "red teaming our bot" only because "teeming" is in no term's text, and
        so do words of everyday writing (`everyday`): "is it taken" is not a misspelt "token"."""
        said = key.split(" ")
        for i, word in enumerate(said):
            if (
                len(word) < MENDED_WORD
                or not word.isalpha()
                or word in FILLER
                or stem(word) in self._df
                or word in everyday
            ):
                continue
            allowed = typo_allowance(len(word))
            lo = bisect_left(self._name_word_lengths, len(word) - allowed)
            hi = bisect_right(self._name_word_lengths, len(word) + allowed)
            found = process.extract(
                word, self._name_words[lo:hi], scorer=OSA.distance, score_cutoff=min(allowed, 2), limit=8
            )
            if found:
                # Of equally close words, the one with the same letters ("modle" is "model" swapped, not "mode"
                # with a letter more), then the one of the same length.
                said[i] = min(found, key=lambda f: (f[1], sorted(f[0]) != sorted(word), abs(len(f[0]) - len(word))))[0]
        return " ".join(said)

    def flat(self, key: str, scores: list[float]) -> bool:
        """Whether a long text's meaning scores are too even to point at one term (see LONG_TEXT_WORDS)."""
        said = [w for w in words(key) if w not in FILLER]
        if len(said) < LONG_TEXT_WORDS or len(scores) < 2:
            return False
        return scores[0] - scores[1] < PEAK and scores[0] < self.meaning_floor(key) + CLEAR_ABOVE_FLOOR

    def shares_words(self, slug: str, key: str) -> bool:
        """Whether a term's own text holds at least SHARED_WORDS of a text's content words (by stem)."""
        said = {stem(w) for w in self.content_words(key)}
        return sum(self.in_text(slug, w) for w in said) >= SHARED_WORDS

    def said_in(self, text: str) -> list[str]:
        """The terms whose everyday names, as their own text gives them, the text holds (said_names.py)."""
        return said_names.said_in(text, self._said)

    def name_stems(self, slug: str) -> set[str]:
        """The content words (by stem) of a term's name, slug and aliases."""
        return {s for name in self._covered(slug) for s in name} if slug in self._coverage else set()

    def meaning_floor(self, key: str) -> float:
        """How close in meaning a term must be to be offered for this text (see the thresholds above)."""
        said = max(1, len([w for w in words(key) if w not in FILLER]))
        return max(MEANING_FLOOR_LONG, MEANING_FLOOR_ONE_WORD - MEANING_FLOOR_STEP * (said - 1))

    def content_words(self, key: str) -> list[str]:
        """The words of a query that can name something: question filler and punctuation left out."""
        return [w for w in words(key) if w not in FILLER and len(w) > 1][:MAX_WORDS]

    def score_search(self, query_words: list[str], slugs: list[str]) -> list[tuple[str, float]]:
        """0..100 for each candidate: how much of what was asked (rare words counting most) its name, aliases
        or text cover, and how much of its own name was typed. Sorted best first."""
        stems = list(dict.fromkeys(stem(w) for w in query_words))
        if not stems:
            return []
        idf = {s: math.log(self._idf_n / (self._df.get(s, 0) + 0.5)) for s in stems}
        total = sum(idf.values())
        asked = set(stems)
        needles = [(f" {s} ", idf[s]) for s in stems]  # made once, not once per candidate
        scored = []
        for slug in dict.fromkeys(slugs):
            text = self._text_words[slug]
            covered = 0.0
            for needle, weight in needles:
                at = text.find(needle)
                if at >= 0:  # the first field holding it (fields are in FIELD_WEIGHTS' order) gives its weight
                    covered += weight * _WEIGHTS[text.count("\n", 0, at)]
            named = max((len(asked.intersection(c)) / len(c) for c in self._covered(slug)), default=0.0)
            score = 100.0 * ((1 - COVERAGE_SHARE) * covered / total + COVERAGE_SHARE * named)
            scored.append((slug, round(score, 1)))
        return sorted(scored, key=lambda s: -s[1])

    def _covered(self, slug: str) -> list[list[str]]:
        """The content stems of each of the term's names and aliases."""
        lines = self._coverage[slug]
        return [line.split(" ") for line in lines.split("\n")] if lines else []

    def in_text(self, slug: str, word_stem: str) -> bool:
        """Whether the stem is one of the term's whole-text stems (definitions, framings, examples)."""
        text = self._text_words[slug]
        return text.find(f" {word_stem} ", text.rfind("\n")) >= 0

    def text_stems(self, slug: str) -> frozenset[str]:
        """The stems of a term's whole text."""
        text = self._text_words[slug]
        return frozenset(text[text.rfind("\n") + 2 : -1].split(" ")) - {""}


_WEIGHTS = tuple(FIELD_WEIGHTS[f] for f in ("name", "alias", "short", "text"))
_TABLE_PARTS = ("", ".block", ".ends")  # how the text table is saved: its keys, then its two byte strings


def _joined(stems: frozenset[str]) -> str:
    """Stems as one string, " a b c ": a stem is found in it as " stem " (no stem holds a space)."""
    return " " + " ".join(sorted(stems)) + " "


def _stems(key: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(key) if w not in FILLER)


def _plain(value: object) -> object:
    """defaultdict and Counter as the plain dict they are (what marshal can save)."""
    return dict(value) if isinstance(value, dict) else value
