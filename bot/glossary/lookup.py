"""Finding the term someone means: one ranking pipeline for `/define` (`find`) and for questions (`ask`).

In order, each step only when the ones before found nothing:
1. exact: name or slug, alias, separators removed (`names.NameIndex`, shared with the loader);
2. inflections and British spellings of a name or alias (`variants.variant_key`): a hit when one term
   is clearly the closest, else a choice;
3. an acronym the name spells (`variants.acronyms`): typed in capitals (KV, CoT) a hit, else offered;
4. candidates from typo matching of names and aliases AND from full-text search of every text field,
   scored by `ranking.Ranker`, with the meaning lane beside them (`open_ended.py`); typos are offered as
   "did you mean", terms found by text or meaning above their floors are offered; below every floor the
   text names nothing and is a miss that lists the terms closest in meaning.
`ask` first drops question frames, answers comparisons, and puts a term named inside a question first.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from . import meaning
from .meaning import MeaningIndex
from .model import LookupStatus, MatchHow, Term
from .names import NameIndex, normalise
from .open_ended import SUGGESTION_LIMIT, OpenEnded, Reading
from .questions import as_typed_subject, asked_about, asked_after, asks, comparison, either, strip_frame
from .ranking import CONTEXT_WORDS, Ranker
from .results import LookupResult as LookupResult
from .results import Match as Match
from .scan import Found, Scanner
from .senses import label_answer
from .terminology import EMPTY, Terminology
from .text_search import TextSearch
from .variants import looks_like_acronym

log = logging.getLogger(__name__)

MAX_QUERY = 200  # no glossary name is longer; longer input is a question or a paste, not a name
MAX_QUESTION = 1000  # a pasted paragraph is read this far
SEARCH_LIMIT = 10
# find() answers, and ask() answers, kept per glossary version. 1,024 each: the questions asked again and again
# fit many times over, and with every text new (most traffic) a kept answer is never asked for again while it
# holds memory (4,096 of each, with the kept cards of bot/slack/cards/answers.py and postings.WORDS_KEPT, left a
# served worker at 10,000 terms ~11 MB bigger after 20,000 distinct requests: bench/RESULTS.md).
ANSWERS_KEPT = 1024


class Glossary:
    """The loaded glossary, indexed for lookup. Built once per glossary version; read-only after.

    Safe to share between threads: the indexes are never written after __init__, and each thread
    gets its own read-only connection to this version's database.
    """

    def __init__(
        self, terms: list[Term], *, version: str = "", db_path: Path | None = None, state: dict[str, Any] | None = None
    ):
        """Indexes `terms`, or takes the indexes `state()` returned for these same terms (see snapshot.py)."""
        self.terms: dict[str, Term] = {t.slug: t for t in terms}
        self.version = version
        self.db_path = db_path
        self._found: dict[str, LookupResult] = {}  # query -> find()'s answer (a dict: see Ranker._setup)
        self._asked: dict[tuple[str, bool, bool], LookupResult] = {}  # (question, lane on, asking) -> ask()'s answer
        # Senses, usage and languages (sidecar.py): attached after the build by whoever opens the glossary.
        self.terminology: Terminology = EMPTY
        if state is not None:
            self.names = NameIndex.from_state(state["names"])
            self.ranker = Ranker.from_state(terms, self.names, state["ranker"])
            saved = state.get("meaning")
            self.meaning = MeaningIndex.from_state(saved) if saved else self._meaning_index(terms)
            return
        self.names = NameIndex(terms)
        self.ranker = Ranker(terms, self.names)
        self.meaning = self._meaning_index(terms)

    @cached_property
    def _choices(self) -> tuple[list[str], list[str]]:
        """For type-ahead: every name and alias, normalised, and the term each points to. Made on the first
        type-ahead, not at load: most processes never serve one, and a start need not wait for it."""
        pairs = sorted({(key, slug) for (key, slug) in self.names.spelling})
        return [key for key, _ in pairs], [slug for _, slug in pairs]

    @property
    def _choice_keys(self) -> list[str]:
        return self._choices[0]

    @property
    def _choice_slugs(self) -> list[str]:
        return self._choices[1]

    @cached_property
    def text_search(self) -> TextSearch:
        """Full-text search in this version's database (two threads may each make one first: both are the same)."""
        return TextSearch(self.db_path, self.ranker, self.terms)

    @staticmethod
    def _meaning_index(terms: list[Term]) -> MeaningIndex | None:
        return MeaningIndex.build(terms, meaning.shared_embedder()) if meaning.enabled() else None

    def state(self) -> dict[str, Any]:
        """Every index built for these terms, as plain values: what a Glossary(terms, state=…) starts from."""
        return {
            "names": self.names.state(),
            "ranker": self.ranker.state(),
            "meaning": self.meaning.state() if self.meaning is not None else {},
        }

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, slug: str) -> Term | None:
        return self.terms.get(slug)

    @cached_property
    def scanner(self) -> Scanner:
        """Every name and alias on one automaton: built on the first scan, once per glossary version."""
        return Scanner(self.terms.values())

    def scan(self, text: str) -> list[Found]:
        """Every term named in the text, in order of first appearance (see scan.py for what is skipped)."""
        return self.scanner.scan(text)

    def resolve(self, name: str) -> LookupResult:
        """Exact rules only (name, alias, separators removed): no typo, no search."""
        how, slugs, key = self.names.resolve(name[:MAX_QUERY])
        if not slugs:
            return LookupResult(LookupStatus.MISS, name)
        return self._result(
            name, [(s, 100.0, self.names.spelling.get((key, s), self.terms[s].term)) for s in slugs], how
        )

    def find(self, query: str) -> LookupResult:
        """hit | ambiguous | suggestions | miss, for anything a person might type as a name.

        Answers are kept per glossary version (a reload makes a new Glossary, so nothing kept goes stale):
        people ask for the same few terms all day, and a typo's answer at 10,000 terms costs a millisecond of
        the GIL that every other request then waits for."""
        labelled = self.by_label(query)
        if labelled is not None:
            return labelled
        if len(query) > MAX_QUERY:  # no name is this long; and keeping answers to pastes would cost memory
            return self._find(query)
        kept = self._found.get(query)
        if kept is None:
            kept = self._find(query)
            if len(self._found) >= ANSWERS_KEPT:
                self._found.clear()  # a bound on memory; the common questions are back within seconds
            self._found[query] = kept
        return kept

    def by_label(self, query: str) -> LookupResult | None:
        """A label the sidecar lists (any language, any usage) that no other term has as a name (senses.py)."""
        return label_answer(self.terminology, self.terms, self.names, query[:MAX_QUERY], query)

    def forget_answers(self) -> None:
        """Drop the answers kept by find() and ask(): for a benchmark that times the lookup itself."""
        self._found.clear()
        self._asked.clear()

    def _find(self, query: str) -> LookupResult:
        return self._by_name(query) or self._open_ended(query, normalise(query[:MAX_QUERY]))

    def _by_name(self, query: str) -> LookupResult | None:
        """The steps that read the text as a name: exact, inflections, acronyms. None when none applies."""
        exact = self.resolve(query)
        if exact.status != LookupStatus.MISS:
            return exact
        key = normalise(query[:MAX_QUERY])
        if not key:
            return LookupResult(LookupStatus.MISS, query)
        # Typed in capitals, a person names an acronym; typed in lower case it may be any word ("mad").
        confident = looks_like_acronym(query)
        variant = self.ranker.variant(key, acronym=confident)
        if variant:
            return self._decided(query, variant, MatchHow.VARIANT)
        acronym = self.ranker.acronym(key, strict=not confident)
        if acronym:
            return self._result(query, acronym, MatchHow.ACRONYM, confident=confident)
        mentioned = self.ranker.acronym_in_text(key) if confident else []
        if mentioned:
            return self._result(query, mentioned, MatchHow.ACRONYM, confident=False)
        swapped = self.ranker.acronym_swapped(key) if confident else []
        if swapped:
            return self._result(query, swapped, MatchHow.FUZZY, confident=False)
        return None

    def ask(self, question: str, *, asking: bool = False) -> LookupResult:
        """What a mention, a DM, `/define` or `ask` answers: frames dropped, comparisons, the term asked about
        first. Capitals are kept for the name steps (`KV` is an acronym, `kv` may be a word), and the whole
        question, not only its subject, is what the meaning lane reads.

        Answers are kept per glossary version as find()'s are (a reload makes a new Glossary): since `/define`
        reads questions too, every card goes through here.

        `asking`: the caller already dropped a question frame ("what is", "?"), so a name inside the text is
        what it asks about even though the text no longer looks like a question."""
        if len(question) > MAX_QUERY:  # a paste: not worth the memory of keeping
            return self._ask(question, asking)
        key = (question, meaning.enabled(), asking)
        kept = self._asked.get(key)
        if kept is None:
            kept = self._ask(question, asking)
            if len(self._asked) >= ANSWERS_KEPT:
                self._asked.clear()  # a bound on memory, as for find()
            self._asked[key] = kept
        return kept

    def _ask(self, question: str, asking: bool = False) -> LookupResult:
        text = question[:MAX_QUESTION]
        key = normalise(text)
        labelled = self.by_label(text) or self.by_label(strip_frame(key))
        if labelled is not None:
            return replace(labelled, query=question)
        as_name = self._by_name(text) if len(text) <= MAX_QUERY else None
        if as_name and as_name.status == LookupStatus.HIT:  # a name is not read as a question: "statement of work"
            return LookupResult(as_name.status, question, as_name.matches, as_name.how)  # …nor as a comparison
        compared = self.compare(question)
        if compared:
            return compared
        subject = strip_frame(key)
        if not subject:
            return LookupResult(LookupStatus.MISS, question)
        by_name = self._by_name(as_typed_subject(text, subject)) if len(subject) <= MAX_QUERY else None
        if by_name and by_name.status in (LookupStatus.HIT, LookupStatus.AMBIGUOUS):
            return LookupResult(by_name.status, question, by_name.matches, by_name.how)
        pair = either(key)
        compared = self._compare(question, pair) if pair else None
        if compared:
            return compared
        if pair and any(self._names_wholly(side) for side in pair):
            asking = True  # "quantization or distillation to cut cost?": a choice that names a term asks about it
        named = self._named_in(key, subject, asking)
        if named and not named[2] and self._open.homonyms([named[0]], Reading.of(text)):
            named = None  # "can I get everyone's attention: cake in the kitchen" asks about no term
        if named:
            slug, spelling, whole = named
            first = Match(self.terms[slug], 100.0 if whole else 90.0, spelling)
            if whole:  # the question names this term and nothing else
                return LookupResult(LookupStatus.HIT, question, (first,), MatchHow.QUESTION)
            around = self._open_ended(question, subject, described=text)
            # The rest of the question, read by meaning: what it offers, else (below the floor) what it is
            # closest to, since the named term already anchors the answer ("finetune vs train from scratch").
            rest = [m for m in around.matches or around.closest if m.term.slug != slug]
            return LookupResult(
                LookupStatus.SUGGESTIONS, question, (first, *rest)[:SUGGESTION_LIMIT], MatchHow.QUESTION
            )
        if by_name and by_name.status == LookupStatus.SUGGESTIONS:
            return self._context_last(key, LookupResult(by_name.status, question, by_name.matches, by_name.how))
        return self._context_last(key, self._open_ended(question, subject, described=text))

    def _context_last(self, key: str, found: LookupResult) -> LookupResult:
        """A term named before a text's last question is context, not what is asked, when that question names no
        term and describes something of its own (CONTEXT_WORDS words that can name something): "we use kms for
        encryption keys but where are app passwords and api tokens supposed to live" asks about secrets, not KMS.
        Offered first (the whole text's meaning is mostly its words), it goes last instead. On the development
        sets this put the right term first for 4 more multi-term lines (and in the top 3 for one more) and
        changed no other answer's rank."""
        if found.status != LookupStatus.SUGGESTIONS or len(found.matches) < 2:
            return found
        split = asked_after(key)
        if split is None or len(self.ranker.content_words(split[1])) < CONTEXT_WORDS:
            return found
        before, asked = split
        named = self.ranker.named_inside(before)
        if named is None or named[0] != found.matches[0].term.slug or self.ranker.named_inside(asked):
            return found
        return replace(found, matches=(*found.matches[1:], found.matches[0]))

    def _names_wholly(self, side: str) -> bool:
        named = self.ranker.named_inside(side)
        return bool(named and named[2])

    def _named_in(self, key: str, subject: str, asking: bool = False) -> tuple[str, str, bool] | None:
        """The term a question asks about: the one after its last question frame ("our RAG pipeline is slow,
        what does reranking do?" asks about reranking), else the longest one named (only when the text asks
        something: "our travel agent rebooked the hotel" names no term), else one named with a typo."""
        asked = asked_about(key)
        if asked and asked != subject and self.ranker.content_words(asked):
            # The question after the frame names nothing: what it describes is the subject, and a term the
            # text names before it ("our pods keep restarting, what's the check that decides that") is only
            # its context, left to the meaning lane's reading of the whole text. A question that asks about
            # nothing ("evalution of chatbots, how do u do it") asks about what comes before it.
            named = self._named_misspelt(asked) or self.ranker.named_inside(asked)
            return (named[0], named[1], False) if named else None
        if asking or asks(key):
            return self._named_misspelt(subject) or self.ranker.named_inside(subject)
        return self._named_misspelt(subject)

    def _named_misspelt(self, subject: str) -> tuple[str, str, bool] | None:
        """A term named inside a question with its name misspelt ("is modle drfit a problem"): offered, never a
        hit, so the answer is a "did you mean" whatever else the question says. Tried before the names typed
        right, which would otherwise win with a part of the misspelt name ("agentic wrokflows" is not "agentic")
        or with a word of context ("wats temprature in llms" asks about temperature, not LLMs)."""
        mended = self.ranker.mend_words(subject, meaning.everyday_words())
        if mended == subject:
            return None
        named = self.ranker.named_inside(mended)
        if named is None or named == self.ranker.named_inside(subject):
            return None
        return named[0], named[1], False

    def compare(self, text: str) -> LookupResult | None:
        """ "X vs Y", "difference between X and Y", "compare X and Y": a comparison when both sides name a
        term (and not the same one), else None. `ask` tries it first; `/define` after its own lookup."""
        pair = comparison(normalise(text[:MAX_QUESTION]))
        return self._compare(text, pair) if pair else None

    def search(self, query: str, limit: int = SEARCH_LIMIT) -> LookupResult:
        """Terms whose text mentions the words, best first; an exact name comes first of all."""
        exact = self.resolve(query)
        found = list(exact.matches)
        seen = {m.term.slug for m in found}
        for slug, score in self.text_search.find(normalise(query[:MAX_QUESTION]), limit, floor=0.0):
            if slug not in seen:
                found.append(Match(self.terms[slug], score, self.terms[slug].term))
                seen.add(slug)
        found = found[:limit]
        status = LookupStatus.SUGGESTIONS if found else LookupStatus.MISS
        return LookupResult(status, query, tuple(found), MatchHow.SEARCH)

    def complete(self, text: str, limit: int = 20) -> list[Term]:
        """Terms for a type-ahead menu: names or aliases containing what was typed, then close spellings."""
        key = normalise(text[:MAX_QUERY])
        if not key:
            return list(self.terms.values())[:limit]
        # partial_ratio scores 100 when the typed text appears inside a name: "quant" in "quantization"
        hits = process.extract(key, self._choice_keys, scorer=fuzz.partial_ratio, score_cutoff=85, limit=limit * 4)
        ranked = sorted(hits, key=lambda h: (-h[1], not self._choice_keys[h[2]].startswith(key), len(h[0])))
        found = [self.terms[self._choice_slugs[i]] for _, _, i in ranked]
        found += [m.term for m in self.find(text).matches]
        return list({t.slug: t for t in found}.values())[:limit]

    # -- the steps ---------------------------------------------------------------------------------

    @cached_property
    def _open(self) -> OpenEnded:
        """The last step, for text that names no term (open_ended.py): made on first use, as text_search is."""
        return OpenEnded(self.terms, self.ranker, self.text_search, self.meaning)

    def _open_ended(self, query: str, key: str, *, described: str = "") -> LookupResult:
        """Typos, full-text search and the meaning lane, ranked together; a miss below every floor."""
        return self._open.answer(query, key, described=described)

    def _compare(self, question: str, pair: tuple[str, str]) -> LookupResult | None:
        """Both sides must name a term (exactly, or as an inflection or acronym), and not the same one."""
        sides = []
        for side in pair:
            found = self.find(side)
            if found.status != LookupStatus.HIT:
                named = self.ranker.named_inside(normalise(side))
                if not named or not named[2]:
                    return None
                sides.append(Match(self.terms[named[0]], 100.0, named[1]))
            else:
                sides.append(found.matches[0])
        if sides[0].term.slug == sides[1].term.slug:
            return None
        return LookupResult(LookupStatus.COMPARISON, question, tuple(sides), MatchHow.QUESTION)

    def _decided(self, query: str, ranked: list[tuple[str, float, str]], how: MatchHow) -> LookupResult:
        """Several terms on one key: a hit only when the closest is clearly closer than the next."""
        clear = len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= self.ranker.variant_margin
        return self._result(query, ranked[:1] if clear else ranked, how)

    def _result(
        self, query: str, found: list[tuple[str, float, str]], how: MatchHow, *, confident: bool = True
    ) -> LookupResult:
        matches = tuple(Match(self.terms[slug], score, spelling) for slug, score, spelling in found)
        if not confident:
            return LookupResult(LookupStatus.SUGGESTIONS, query, matches[:SUGGESTION_LIMIT], how)
        status = LookupStatus.HIT if len(matches) == 1 else LookupStatus.AMBIGUOUS
        return LookupResult(status, query, matches, how)
