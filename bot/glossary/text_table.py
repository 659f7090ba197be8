"""Texts kept by key (and byte strings by position) in one block of bytes, which a saved index maps rather than
decodes.

The ranker keeps a line of stems for every term (about 6.6 MB of Python strings at 10,000 terms). Held as
strings, every worker of a server decoded and kept its own copy; held as one block, the saved index's copy is
mapped from the file (snapshot.py), so the workers share its pages through the page cache, and a start decodes
none of it. A text is decoded when it is read: a question reads a few dozen, a few hundred bytes each.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final

# The ends are 8-byte signed integers in the machine's order: an index is only read on the machine that made it.
_ENDS_FORMAT: Final = "q"


class Blobs:
    """Byte strings by position, one after another in one block, with where each ends."""

    __slots__ = ("_block", "_ends")

    def __init__(self, block: bytes | memoryview, ends: bytes | memoryview):
        """`block`: the byte strings one after another; `ends`: where each ends, as 8-byte integers."""
        self._block = memoryview(block)
        self._ends = memoryview(ends).cast(_ENDS_FORMAT)
        at = self._ends.tolist()
        # Checked once, on load: a damaged index fails to load (and is built again), never slices a wrong text.
        if at and (at[-1] != len(self._block) or at[0] < 0 or any(b < a for a, b in itertools.pairwise(at))):
            raise ValueError("a text table's ends do not match its block")

    @classmethod
    def of(cls, blobs: Iterable[bytes]) -> Blobs:
        block = bytearray()
        ends = bytearray()
        for blob in blobs:
            block += blob
            ends += len(block).to_bytes(8, sys.byteorder, signed=True)
        return cls(bytes(block), bytes(ends))

    def __getitem__(self, i: int) -> memoryview:
        return self._block[self._ends[i - 1] if i else 0 : self._ends[i]]

    def __len__(self) -> int:
        return len(self._ends)

    def state(self) -> tuple[bytes, bytes]:
        return bytes(self._block), self._ends.tobytes()


class TextTable:
    """A read-only mapping of keys to texts."""

    __slots__ = ("_at", "_blobs")

    def __init__(self, keys: list[str], block: bytes | memoryview, ends: bytes | memoryview):
        """`block`: the texts' UTF-8 bytes one after another; `ends`: where each ends, as 8-byte integers."""
        self._at = {key: i for i, key in enumerate(keys)}
        self._blobs = Blobs(block, ends)
        if len(self._blobs) != len(keys):
            raise ValueError("a text table's ends do not match its keys and block")

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> TextTable:
        return cls(list(texts), *Blobs.of(text.encode() for text in texts.values()).state())

    def __getitem__(self, key: str) -> str:
        return str(self._blobs[self._at[key]], "utf-8")

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def __len__(self) -> int:
        return len(self._at)

    def state(self) -> tuple[list[str], bytes, bytes]:
        """The keys, the block and the ends: what `TextTable(*state)` is made from again."""
        return list(self._at), *self._blobs.state()

    @classmethod
    def from_state(cls, state: Any) -> TextTable:
        keys, block, ends = state
        return cls(list(keys), block, ends)
