"""The typo pass's bigram prefilter drops only names beyond the cutoff: what it returns is what scoring every name
returns, ties in the same order, for texts of every length (typos, pieces of names, whole questions)."""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.glossary.ranking import typo_allowance
from bot.glossary.typo_filter import BigramFilter, extract_within

WORDS = (
    "model drift retrieval augmented generation fine tuning prompt injection vector database token window "
    "attention head mixture experts low rank adaptation guardrail red teaming evaluation harness latent space "
    "knowledge distillation quantization aware training context caching agentic workflow über café naïve"
).split()


def names(rng: random.Random, n: int) -> list[str]:
    made = {" ".join(rng.sample(WORDS, rng.randint(1, 5))) for _ in range(n)}
    # Sorted by length as the ranker keeps them: a typo's reach is one slice. Many share their letters, so ties
    # at one distance are common.
    return sorted(made, key=lambda k: (len(k), k))


def typed(rng: random.Random, keys: list[str]) -> list[str]:
    texts = []
    for key in rng.sample(keys, 300):
        chars = list(key)
        for _ in range(rng.randint(0, 4)):  # letters changed, dropped, added, swapped
            i = rng.randrange(len(chars))
            what = rng.randrange(4)
            if what == 0:
                chars[i] = rng.choice("aeiostrnx ")
            elif what == 1 and len(chars) > 1:
                del chars[i]
            elif what == 2:
                chars.insert(i, rng.choice("aeiou"))
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        texts += ["".join(chars), key, key[: rng.randint(4, len(key))], "how do we " + key]
    return texts


def test_the_prefilter_changes_no_answer_of_the_typo_pass():
    rng = random.Random(7)
    keys = names(rng, 3000)
    lengths = [len(k) for k in keys]
    prefilter = BigramFilter(keys)
    filtered = 0
    for text in typed(rng, keys):
        allowed = typo_allowance(len(text))
        if not allowed:
            continue
        lo, hi = bisect_left(lengths, len(text) - allowed), bisect_right(lengths, len(text) + allowed)
        every = process.extract(text, keys[lo:hi], scorer=Levenshtein.distance, score_cutoff=allowed + 1, limit=40)
        expected = [(key, int(distance), int(i)) for key, distance, i in every]
        assert extract_within(text, keys, lo, hi, cutoff=allowed + 1, limit=40, prefilter=prefilter) == expected, text
        reachable = prefilter.reachable(text, lo, hi, allowed + 1)
        filtered += reachable is not None and len(reachable) < hi - lo
    assert filtered > 500  # the filter did rule names out, for most texts: the comparison above was not idle


def test_a_name_sharing_enough_letter_pairs_is_kept_and_one_sharing_none_is_not():
    keys = ["zzzz zzzz zzzz"] * 70 + ["model drifts"] + ["qqqq qqqq qqqq"] * 70
    prefilter = BigramFilter(keys)
    reachable = prefilter.reachable("modle drift", 0, len(keys), 3)
    assert reachable is not None and reachable.tolist() == [70]
