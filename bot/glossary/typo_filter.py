"""A cheap, exact prefilter for the typo pass: which names can be within a few edits of what was typed.

The typo pass (ranking.Ranker.typos) scores what was typed against every name and alias of a similar length with
rapidfuzz: at 10,000 generated terms that is thousands of names a call, 1.5-5 ms of CPU, for nearly every text that
names no term (a question's whole text goes through it too). Most of those names share almost no pair of letters
with the text, and a name that shares too few cannot be close:

each edit (a letter changed, dropped or added) breaks at most two of the text's adjacent letter pairs (bigrams),
so a name within `edits` edits of the text holds at least (distinct bigrams of the text) - 2 x edits of them.

Only the names that pass are scored, so every name within the cutoff is still scored and the answer is the one the
full pass gives (tests/test_typo_filter.py compares the two). Built from the names when the ranker is, in
memory only (nothing is added to the saved index).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Below this many names in reach, scoring them all costs less than filtering them first.
FEW_NAMES = 64


def bigrams(text: str) -> set[int]:
    """The text's distinct adjacent letter pairs, each as one number (the two code points side by side)."""
    return {(ord(a) << 32) | ord(b) for a, b in zip(text, text[1:], strict=False)}


class BigramFilter:
    """For each bigram, the positions (in `keys`' order) of the keys holding it. Read-only after __init__.

    Built with numpy (a Python loop over the 500,000 bigrams of 10,000 terms' names took 0.3 s of a start), CHUNK
    keys at a time: arrays over every key at once were ~25 MB of temporaries, which a start on a thread kept as
    resident memory after they were freed."""

    CHUNK = 1024

    def __init__(self, keys: Sequence[str]):
        parts: dict[int, list[npt.NDArray[np.int32]]] = {}
        for at in range(0, len(keys), self.CHUNK):
            for pair, owners in _chunk_postings(keys[at : at + self.CHUNK], at):
                parts.setdefault(pair, []).append(owners)
        # Chunks come in order and each chunk's positions ascend: each bigram's list ascends.
        self._postings = {pair: np.concatenate(held) for pair, held in parts.items()}
        self._size = len(keys)

    def reachable(self, text: str, lo: int, hi: int, edits: int) -> npt.NDArray[np.intp] | None:
        """The positions in [lo, hi) of keys that may be within `edits` edits of `text`, ascending; None when
        the bound rules nothing out (a short text)."""
        pairs = bigrams(text)
        needed = len(pairs) - 2 * edits
        if needed <= 0 or hi - lo <= FEW_NAMES:
            return None
        spans = [held for held in map(self._postings.get, pairs) if held is not None]
        if len(spans) < needed:
            return np.empty(0, dtype=np.intp)
        # A bigram left out of the count lowers what a key must hold by one, and still rules out no key within
        # reach: the commonest pairs (the longest lists, most of the counting) are left out while the bound keeps
        # at least half of what it asked.
        drop = needed - max(1, (needed + 1) // 2)
        if drop > 0:
            spans = sorted(spans, key=len)[: len(spans) - drop]
            needed -= drop
        # Counted over every key, then cut to [lo, hi): cheaper than cutting each bigram's list to the slice first.
        held = np.concatenate(spans)
        counts = np.bincount(held, minlength=self._size)[lo:hi]
        return np.flatnonzero(counts >= needed)


def _chunk_postings(keys: Sequence[str], first: int) -> list[tuple[int, npt.NDArray[np.int32]]]:
    """(bigram, ascending positions of the keys holding it) for these keys, the first at position `first`."""
    # The keys end to end, each ended by NUL, which no normalised name holds (control characters are dropped).
    codes = np.frombuffer("".join(k + "\0" for k in keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    ends = codes == 0
    position = (np.cumsum(ends) - ends + first).astype(np.int32)  # the key each character belongs to
    inside = ~ends[:-1] & ~ends[1:]  # a pair of two letters of one key
    pairs = ((codes[:-1] << np.uint64(32)) | codes[1:])[inside]
    owners = position[:-1][inside]
    order = np.lexsort((owners, pairs))
    pairs, owners = pairs[order], owners[order]
    fresh = np.ones(len(pairs), dtype=bool)  # the first of each (pair, key): a key counts a bigram once
    fresh[1:] = (pairs[1:] != pairs[:-1]) | (owners[1:] != owners[:-1])
    pairs, owners = pairs[fresh], owners[fresh]
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]]) if len(pairs) else np.empty(0, dtype=np.intp)
    bounds = np.r_[starts, len(pairs)].tolist()
    return [(pair, owners[bounds[i] : bounds[i + 1]]) for i, pair in enumerate(pairs[starts].tolist())]


def extract_within(
    text: str, keys: Sequence[str], lo: int, hi: int, *, cutoff: int, limit: int, prefilter: BigramFilter | None
) -> list[tuple[str, int, int]]:
    """What `process.extract(text, keys[lo:hi], scorer=Levenshtein.distance, score_cutoff=cutoff, limit=limit)`
    returns, (key, distance, position in the slice), scoring only the keys the prefilter lets through. The keys
    it drops are beyond the cutoff, and those it keeps stay in their order, so ties rank as in the full pass."""
    reachable = prefilter.reachable(text, lo, hi, cutoff) if prefilter is not None else None
    if reachable is None:
        found = process.extract(text, keys[lo:hi], scorer=Levenshtein.distance, score_cutoff=cutoff, limit=limit)
        return [(key, int(distance), int(i)) for key, distance, i in found]
    positions = reachable.tolist()
    found = process.extract(
        text, [keys[lo + i] for i in positions], scorer=Levenshtein.distance, score_cutoff=cutoff, limit=limit
    )
    return [(key, int(distance), positions[i]) for key, distance, i in found]
