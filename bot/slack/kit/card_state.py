"""What a button on a term card carries, so that a click can redraw the card it came from."""

from __future__ import annotations

from dataclasses import dataclass

from ...glossary.model import Framing
from .blocks import encode_value, read_value


@dataclass(frozen=True)
class CardState:
    """The term, the one framing shown (None: both), whether More is open, the sense and language shown ("" when
    the channel, the role and the person's locale decide), and the browse list it was opened from (its shelf kind,
    key and page), which the card's Back button returns to."""

    slug: str
    framing: Framing | None = None
    expanded: bool = False
    sense: str = ""
    language: str = ""
    back: tuple[str, str, int] | None = None

    def encode(self) -> str:
        # One-letter keys: buttons already posted in Slack carry them, and a value holds at most 2,000 characters.
        value: dict = {"s": self.slug, "f": self.framing.value if self.framing else "", "x": int(self.expanded)}
        # Written only when set, so a card without senses, languages or a list carries the values it always did.
        value.update({k: v for k, v in (("n", self.sense), ("l", self.language)) if v})
        if self.back:
            value["b"] = list(self.back)
        return encode_value(value)

    @classmethod
    def decode(cls, value: str | None) -> CardState | None:
        """The state a button was given; None for a value we did not write (an old button, tampering)."""
        data = read_value(value)
        slug = data.get("s")
        if not isinstance(slug, str) or not slug:
            return None
        sense, language = data.get("n"), data.get("l")
        return cls(
            slug,
            Framing.parse(data.get("f")),
            bool(data.get("x")),
            sense[:40] if isinstance(sense, str) else "",
            language[:35] if isinstance(language, str) else "",
            _back(data.get("b")),
        )


def _back(value: object) -> tuple[str, str, int] | None:
    if isinstance(value, list) and len(value) == 3:
        kind, key, page = value
        if isinstance(kind, str) and isinstance(key, str) and isinstance(page, int):
            return kind, key, page
    return None
