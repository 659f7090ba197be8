"""The meaning lane: which terms a text is *about*, when it shares no word with their names.

"when the model makes stuff up" shares no word with "hallucination", so the word lane (names, variants,
typos, full-text search) cannot reach it. Here every term gets vectors from a static word-embedding model
(WordLlama's 256-dimension table, MIT licence, 16 MB of weights shipped inside the `wordllama` wheel on PyPI):
a text's vector is the mean of its tokens' rows, so embedding a question costs a tokenizer call and a few
dozen additions, with no neural network at query time.

Per term there is one vector for all its text ("whole") and one per sentence ("parts": the name with its
aliases, each sentence of the definitions and framings, each example). A term's meaning score is the mean of
the whole-text similarity and its best sentence's: the whole vector says what the term is broadly about,
the best sentence catches a description that matches one specific line. On the hand-written development
queries this pair put the right term in the top 3 for 91% of descriptions where the whole vector alone did
83% (bench/quality/RESULTS.md). Ranking 10,000 terms is one matrix-vector product over the whole vectors (read in
their 128 main directions first, from 2,000 terms: REDUCE_FROM), then the sentences of the best few only.

The builder computes the vectors (off the request path) and they are saved with the lookup index; a serving
process loads the model once to embed questions. `ranking.py` decides what the scores are worth: this lane
alone never makes a confident hit.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .model import Term

log = logging.getLogger(__name__)

MODEL_PACKAGE = "wordllama"
WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"
TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"
SHORTLIST = 48  # terms whose sentences are compared, picked by their whole-text vector
MAX_TEXT = 2000  # characters of a question embedded: a pasted page is judged on its start
INT8_SCALE = 127.0  # sentence vectors are unit length, so every component fits in [-1, 1]
EVERYDAY_RANKS = 16_000  # the tokenizer's most frequent tokens: whole words among them are everyday words
EMBED_BATCH = 2048  # texts tokenized at once
# Token rows gathered at once: 1 MB of float32 at 256 dimensions stays in the core's cache, and summing
# them is about 4 times faster than in batches of 32,768 rows (measured on generated terms).
EMBED_ROWS = 1024
# From this many terms, rank() first reads every term in REDUCED_DIM dimensions (the whole vectors' main
# directions, found by the builder), then the full vectors of the REDUCED_CANDIDATES best only. At 10,000 terms
# the full product reads 10 MB a question, which a request rarely finds in the core's cache; the reduced one
# reads half. On 1,492 questions (generated open questions and the hand-written descriptions) at 10,000 terms
# this gave the same ten terms in the same order for 1,491, and took 0.62 ms median against 0.87.
REDUCE_FROM = 2000
REDUCED_DIM = 128
REDUCED_CANDIDATES = 400

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")

Vectors = npt.NDArray[np.float32]


class MeaningModelMissing(RuntimeError):
    """The embedding model's package is not installed (or lacks its files)."""


class Embedder:
    """A static embedding model: a tokenizer and one vector per token. Thread-safe after construction."""

    def __init__(self, tokenizer: Any, table: npt.NDArray[np.floating[Any]]):
        self._tokenizer = tokenizer
        # The same ids without the character offsets we never read: a quarter faster on a build's sentences
        # (tokenizers 0.20 and newer; older ones have only encode_batch).
        self._encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
        self._table = table
        self.dim = int(table.shape[1])

    @classmethod
    def from_package(cls) -> Embedder:
        """The model from the installed `wordllama` package's own folder: never a download (the package's
        loader would fetch the tokenizer from a hub when its cache lacks it; the file is in the wheel)."""
        spec = importlib.util.find_spec(MODEL_PACKAGE)
        folders = list(spec.submodule_search_locations or []) if spec else []
        if not folders:
            raise MeaningModelMissing(
                f"the meaning lane needs the '{MODEL_PACKAGE}' package: pip install {MODEL_PACKAGE}, "
                "or set MEANING_LANE=off"
            )
        root = Path(folders[0])
        return cls.from_files(root / TOKENIZER_FILE, root / WEIGHTS_FILE)

    @classmethod
    def from_files(cls, tokenizer_file: Path, weights_file: Path) -> Embedder:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        for path in (tokenizer_file, weights_file):
            if not path.is_file():
                raise MeaningModelMissing(f"the meaning lane's model file {path} is missing: reinstall {MODEL_PACKAGE}")
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        _without_text_cache(tokenizer)
        table = _mapped_table(weights_file)
        if table is None:
            with safe_open(str(weights_file), framework="np", device="cpu") as f:
                # Kept in half precision as shipped (16 MB, not 32): rows are widened when a text is summed.
                table = np.ascontiguousarray(f.get_tensor("embedding.weight"))
        return cls(tokenizer, table)

    def vocabulary(self) -> dict[str, int]:
        """The tokenizer's tokens and their ids."""
        vocabulary: dict[str, int] = self._tokenizer.get_vocab()
        return vocabulary

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text (the mean of its tokens' rows); a text with no tokens gets zeros.

        Each distinct text is embedded once (a generated 10,000-term glossary has 160,000 sentences, 58,000 of
        them distinct), and in batches of at most EMBED_ROWS token rows (or one text): batches of a fixed number
        of texts gathered gigabytes of rows for whole-term texts. Each text is still summed on its own (reduceat), so
        the vectors are the same bit for bit however the texts are batched."""
        unique = list(dict.fromkeys(texts))
        sums = np.zeros((len(unique), self.dim), dtype=np.float32)
        for at in range(0, len(unique), EMBED_BATCH):
            batch = unique[at : at + EMBED_BATCH]
            encoded = self._encode([t.strip()[:MAX_TEXT] for t in batch], add_special_tokens=False)
            self._sum_into(sums[at : at + len(batch)], [e.ids for e in encoded])
        vectors = _unit(sums)
        if len(unique) == len(texts):
            return vectors
        where = {text: i for i, text in enumerate(unique)}
        picked: Vectors = vectors[np.fromiter((where[t] for t in texts), dtype=np.int64, count=len(texts))]
        return picked

    def _sum_into(self, out: Vectors, token_ids: list[list[int]]) -> None:
        """Each text's token rows summed into its row of `out`, EMBED_ROWS rows gathered at a time."""
        start = 0
        while start < len(token_ids):
            end, rows = start, 0
            while end < len(token_ids) and (end == start or rows + len(token_ids[end]) <= EMBED_ROWS):
                rows += len(token_ids[end])
                end += 1
            chunk = token_ids[start:end]
            lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
            ids = np.fromiter((i for e in chunk for i in e), dtype=np.int64, count=rows)
            np.clip(ids, 0, self._table.shape[0] - 1, out=ids)
            filled = lengths > 0
            if ids.size:
                starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
                # Widened to float32 inside the sum, not copied first: the same sums bit for bit, 40% faster.
                out[start:end][filled] = np.add.reduceat(self._table[ids], starts, axis=0, dtype=np.float32)
            start = end


def _without_text_cache(tokenizer: Any) -> None:
    """Turn off the BPE model's cache of whole texts (tokenizers' own default: 10,000 of them).

    This model's tokenizer has no pre-tokenizer, so its cache key is the whole question, not a word: a server
    kept the last 10,000 distinct questions' tokens, about 1.5 KB each, and grew 15 MB per worker in its first
    thousands of questions (outside Python's heap, where no cache of ours is counted). Repeated texts gain
    nothing from it: the lookup keeps its own answers, and a build embeds each distinct sentence once. Without it
    a question took 75 µs to embed, against 77 with it (20,000 distinct questions)."""
    resize = getattr(getattr(tokenizer, "model", None), "_resize_cache", None)  # BPE models (tokenizers 0.21+)
    if callable(resize):
        resize(0)


def _mapped_table(weights_file: Path) -> npt.NDArray[np.float16] | None:
    """The token table mapped read-only where it lies in the safetensors file (8 bytes of header length, a
    JSON header, then the raw tensors): every process shares the file's pages, and only the rows of tokens
    actually seen are read from disk. None when the file holds the table in another shape than expected."""
    with weights_file.open("rb") as f:
        header_size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(header_size))
    tensor = header.get("embedding.weight", {})
    shape, (begin, end) = tensor.get("shape", ()), tensor.get("data_offsets", (0, 0))
    if tensor.get("dtype") != "F16" or len(shape) != 2 or end - begin != shape[0] * shape[1] * 2:
        return None
    mapped = np.memmap(weights_file, dtype=np.float16, mode="r", offset=8 + header_size + begin, shape=tuple(shape))
    table: npt.NDArray[np.float16] = mapped.view(np.ndarray)  # a plain array: memmap's subclass costs per use
    return table


_shared: Embedder | None = None
_shared_lock = threading.Lock()
_enabled = True


def switch(on: bool) -> None:
    """Turn the lane on or off for this process (MEANING_LANE=off, read once at start-up by the settings)."""
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def shared_embedder() -> Embedder:
    """The one model of this process, loaded on first use (about 0.1 s, 16 MB)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Embedder.from_package()
    return _shared


def everyday_words() -> frozenset[str]:
    """Lower-case words the model's tokenizer holds whole ("taken", "mode"): words of everyday writing, so a
    question's word among them is what its writer meant, never a typo to mend. Empty without the model."""
    global _everyday
    if _everyday is None:
        try:
            vocabulary = shared_embedder().vocabulary()
        except MeaningModelMissing:
            vocabulary = {}
        # A whole word is a token that starts a word ("▁" in the tokenizer's vocabulary) and is all letters;
        # the tokenizer numbers its tokens by how often it met them, and rarer words ("strat") may be typos.
        _everyday = frozenset(
            t[1:]
            for t, rank in vocabulary.items()
            if rank < EVERYDAY_RANKS and t.startswith("\u2581") and t[1:].isalpha() and t[1:].islower()
        )
    return _everyday


_everyday: frozenset[str] | None = None


def term_sentences(t: Term) -> list[str]:
    """What a term says, one sentence a line: its names first, then its definitions, framings, examples."""
    names = " ; ".join((t.term, *t.aliases))
    prose = [t.short_def, t.long_def, t.exec_framing, t.engineer_framing, *t.examples_do, *t.examples_dont]
    sentences = [names]
    for text in prose:
        sentences += [s for s in _SENTENCE_END.split(text) if len(s) > 2]
    return sentences


@dataclass(frozen=True)
class MeaningIndex:
    """Every term's vectors, in the glossary's slug order. Read-only after it is built."""

    slugs: tuple[str, ...]
    whole: Vectors  # (terms, dim) float32: all of a term's text
    parts: npt.NDArray[np.int8]  # (sentences, dim): one vector per sentence, scaled to int8
    starts: npt.NDArray[np.int64]  # (terms + 1,): term i's sentences are parts[starts[i]:starts[i + 1]]
    # From REDUCE_FROM terms: (dim, REDUCED_DIM) the main directions of `whole`, and `whole` in them.
    basis: Vectors | None = None
    reduced: Vectors | None = None

    @classmethod
    def build(cls, terms: Iterable[Term], embedder: Embedder) -> MeaningIndex:
        slugs, texts, sentences, starts = [], [], [], [0]
        for t in terms:
            said = term_sentences(t)
            slugs.append(t.slug)
            texts.append("\n".join(said))
            sentences += said
            starts.append(len(sentences))
        whole = embedder.embed(texts)
        parts = np.round(embedder.embed(sentences) * INT8_SCALE).astype(np.int8)
        basis, reduced = _reduce(whole)
        return cls(tuple(slugs), whole, parts, np.asarray(starts, dtype=np.int64), basis, reduced)

    def state(self) -> dict[str, object]:
        """Plain values for the saved index (snapshot.py): bytes and shapes."""
        return {
            "slugs": self.slugs,
            "dim": int(self.whole.shape[1]),
            "whole": self.whole.tobytes(),
            "parts": self.parts.tobytes(),
            "starts": self.starts.tobytes(),
            "basis": b"" if self.basis is None else self.basis.tobytes(),
            "reduced": b"" if self.reduced is None else self.reduced.tobytes(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> MeaningIndex:
        dim = int(state["dim"])
        whole = np.frombuffer(state["whole"], dtype=np.float32).reshape(-1, dim)
        parts = np.frombuffer(state["parts"], dtype=np.int8).reshape(-1, dim)
        starts = np.frombuffer(state["starts"], dtype=np.int64)
        basis = reduced = None
        if len(state["basis"]):
            basis = np.frombuffer(state["basis"], dtype=np.float32).reshape(dim, -1)
            reduced = np.frombuffer(state["reduced"], dtype=np.float32).reshape(-1, basis.shape[1])
        return cls(tuple(state["slugs"]), whole, parts, starts, basis, reduced)

    def score(self, query: Vectors, slugs: Iterable[str]) -> dict[str, float]:
        """The meaning score of these terms only (for candidates the word lane found)."""
        at = self._positions
        known = [s for s in dict.fromkeys(slugs) if s in at]
        if not known:
            return {}
        picked = np.asarray([at[s] for s in known], dtype=np.int64)
        scores = self._scores(picked, self.whole[picked] @ query, query)
        return dict(zip(known, scores, strict=True))

    @cached_property
    def _positions(self) -> dict[str, int]:
        # Worked out once per index (10,000 entries): score() is called on every open question.
        return {s: i for i, s in enumerate(self.slugs)}

    def _scores(self, picked: npt.NDArray[np.int64], broad: Vectors, query: Vectors) -> list[float]:
        """Each picked term's score: the mean of its whole-text similarity (`broad`, in the same order) and its
        best sentence's. All their sentences in one product, not one small product per term."""
        lo, hi = self.starts[picked], self.starts[picked + 1]
        lengths = hi - lo
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        rows = np.repeat(lo - offsets, lengths) + np.arange(int(lengths.sum()))
        sims = self.parts[rows] @ query
        # Each term's best sentence at once (reduceat over its run of rows), then the same float64 arithmetic the
        # loop over terms did, element by element: the same scores bit for bit, without 48 small numpy calls.
        whole = np.asarray(broad, dtype=np.float64)
        best = whole.copy()  # a term with no sentence scores its whole text alone
        has = lengths > 0
        if has.any():
            best[has] = np.maximum.reduceat(sims, offsets[has]).astype(np.float64) / INT8_SCALE
        scores: list[float] = (0.5 * whole + 0.5 * best).tolist()
        return scores

    def rank(self, query: Vectors, limit: int) -> list[tuple[str, float]]:
        """The terms closest in meaning to a query vector, best first, with a score in [-1, 1]."""
        if not self.slugs or not np.any(query):
            return []
        wanted = max(SHORTLIST, limit)
        if self.basis is not None and self.reduced is not None and len(self.slugs) > REDUCED_CANDIDATES:
            approx = self.reduced @ (query @ self.basis)
            candidates = np.argpartition(-approx, REDUCED_CANDIDATES)[:REDUCED_CANDIDATES]
            near = self.whole[candidates] @ query  # the full vectors of the candidates only
            best = np.asarray(_top(near, wanted), dtype=np.int64)
            shortlist, broad_shortlist = candidates[best].astype(np.int64), near[best]
        else:
            broad = self.whole @ query
            shortlist = np.asarray(_top(broad, wanted), dtype=np.int64)
            broad_shortlist = broad[shortlist]
        scores = self._scores(shortlist, broad_shortlist, query)
        scored = [(self.slugs[i], score) for i, score in zip(shortlist.tolist(), scores, strict=True)]
        scored.sort(key=lambda s: -s[1])
        return scored[:limit]


def _reduce(whole: Vectors) -> tuple[Vectors | None, Vectors | None]:
    """The main directions of the terms' whole vectors (their right singular vectors), and the vectors in them;
    none for a glossary small enough that the full product is cheap."""
    if len(whole) < REDUCE_FROM or whole.shape[1] <= REDUCED_DIM:
        return None, None
    _, _, directions = np.linalg.svd(whole, full_matrices=False)
    basis = np.ascontiguousarray(directions[:REDUCED_DIM].T, dtype=np.float32)
    reduced = np.ascontiguousarray(whole @ basis, dtype=np.float32)
    return basis, reduced


def _top(scores: npt.NDArray[np.float32], n: int) -> list[int]:
    if len(scores) <= n:
        return [int(i) for i in np.argsort(-scores)]
    picked = np.argpartition(-scores, n)[:n]
    return [int(i) for i in picked[np.argsort(-scores[picked])]]


def _unit(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit
