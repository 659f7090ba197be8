"""Other ways of writing a name: inflections, British spelling, and the acronym a name spells.

Everything here works on text already folded by `names.normalise`, and is applied to the glossary's
names and to what a person typed alike, so that both sides meet on one key:

- `variant_key("fine-tuned models")` == `variant_key("fine tuning model")`: each word folded from British
  to American spelling, then cut to its stem by the Snowball English stemmer.
- `acronyms("chain of thought prompting")` gives "cotp", "ctp" and the leading "cot": what people type
  when the file lists no acronym.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from .names import squash

# Words an acronym may skip ("mixture of experts" -> MoE or ME); a stopword still counts in the
# with-stopwords form, so both are keys.
ACRONYM_STOPWORDS = frozenset("of the for and to in on with from a an by as at or vs".split())

# Chat shorthand is not a glossary acronym unless the file lists it: "FYI" must not spell a term's name.
CHAT_ABBREVIATIONS = frozenset(
    """afaik afk ama asap atm bc brb btw cc dm eod eom eta faq fomo fwiw fyi gg hmu icymi idc idk iirc imho imo
    irl jk lgtm lmk lol nbd nm np nvm omg ooo pls plz ppl pr pto rn rofl smh tbd tbh tia til tl tldr ty
    thx wfh wip wtf yolo""".split()
)

# British endings -> American, longest first; applied to whole words only, to both sides.
_BRITISH = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("elled", "eled"),
    ("elling", "eling"),
)
_OUR = re.compile(r"(?<=[a-z]{3})our(s|ed|ing)?$")  # behaviour, colour, favoured; not "four", "your"
_WORD = re.compile(r"[^\W_]+(?:['+.][^\W_]+)*")
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """One folded word's stem: `quantised`, `quantizing`, `quantization` all give `quantiz`."""
    if len(word) > 3 and word.isalpha():
        for british, american in _BRITISH:
            if word.endswith(british) and len(word) > len(british) + 2:
                word = word[: -len(british)] + american
                break
        word = _OUR.sub(lambda m: "or" + (m.group(1) or ""), word)
    return str(_STEMMER.stemWord(word))


def words(key: str) -> list[str]:
    """The words of a normalised text, inner apostrophes and dots kept ("don't", "gpt-4.5" -> "gpt", "4.5")."""
    return _WORD.findall(key)


def variant_key(key: str) -> str:
    """The stem of every word, in order, without "the": the key inflected forms of one name share, and the
    name as someone writes it who leaves articles out ("human in loop", "is the human in the loop")."""
    return " ".join(stem(w) for w in words(key) if w != "the")


def acronyms(key: str) -> set[str]:
    """Acronyms a multiword name (or alias) spells, lower case, at least two letters.

    Initials of every word, with and without the small words; the initials of each leading run of
    three words or more ("chain of thought" of "chain of thought prompting" -> cot); and a short word
    of the name that may be read alone ("kv" of "kv cache", "auc" of "roc auc").
    """
    parts = [w for w in words(key) if w]
    if len(parts) < 2:
        return set()
    found: set[str] = set()
    for n in range(3, len(parts) + 1):
        head = parts[:n]
        found.add("".join(w[0] for w in head))
        content = [w for w in head if w not in ACRONYM_STOPWORDS]
        if len(content) >= 2 and n == len(parts):
            found.add("".join(w[0] for w in content))
    if len(parts) == 2:
        found.add(parts[0][0] + parts[1][0])
    for w in parts:
        if 2 <= len(w) <= 3 and w.isalpha() and w not in ACRONYM_STOPWORDS:
            found.add(w)
    return {a for a in found if len(a) >= 2 and a != squash(key)}


def looks_like_acronym(typed: str) -> bool:
    """Typed with two capitals or more and no space (KV, CoT, MoE, PEFT): a person naming an acronym."""
    token = typed.strip(" ?!.,;:'\"()")
    return 2 <= len(token) <= 8 and " " not in token and sum(c.isupper() for c in token) >= 2
