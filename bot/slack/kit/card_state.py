"""What a button on a term card carries, so that a click can redraw the card it came from."""

from __future__ import annotations

from dataclasses import dataclass

from ...glossary.model import Framing
from .blocks import encode_value, read_value


@dataclass(frozen=True)
class CardState:
    """The term, the one framing shown (None: both), whether More is open, and the browse list it was opened from
    (its shelf kind, key and page), which the card's Back button returns to."""

    slug: str
    framing: Framing | None = None
    expanded: bool = False
    back: tuple[str, str, int] | None = None

    def encode(self) -> str:
        # One-letter keys: buttons already posted in Slack carry them, and a value holds at most 2,000 characters.
        data: dict = {"s": self.slug, "f": self.framing.value if self.framing else "", "x": int(self.expanded)}
        if self.back:
            data["b"] = list(self.back)
        return encode_value(data)

    @classmethod
    def decode(cls, value: str | None) -> CardState | None:
        """The state a button was given; None for a value we did not write (an old button, tampering)."""
        data = read_value(value)
        slug = data.get("s")
        if not isinstance(slug, str) or not slug:
            return None
        return cls(slug, Framing.parse(data.get("f")), bool(data.get("x")), _back(data.get("b")))


def _back(value: object) -> tuple[str, str, int] | None:
    if isinstance(value, list) and len(value) == 3:
        kind, key, page = value
        if isinstance(kind, str) and isinstance(key, str) and isinstance(page, int):
            return kind, key, page
    return None
