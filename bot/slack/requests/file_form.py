"""A term's file in a Slack form, and back, byte for byte.

A plain_text_input holds at most 3,000 characters and most term files are longer, so the file is shown in parts,
one input each, cut only before a line that starts a top-level key (no leading space) with text on both sides of
the cut: Slack trims what it hands back, and a cut beside a blank line or an indented line could lose a character
the reviewer never touched. What comes back is joined with the file's own line endings and final newlines, so an
untouched file comes back exactly as it was and the pull request's diff is only what the reviewer changed.
"""

from __future__ import annotations

from ..kit import ids
from ..kit.inputs import typed_value

SLACK_INPUT_MAX = 3000  # the most characters a plain_text_input holds
MOST_PARTS = 10  # a file over ~30,000 characters is edited in git


def block_id(part: int) -> str:
    """The first part keeps the single-input form's id, so its errors show under the first box."""
    return ids.PULL_TEXT if part == 0 else f"{ids.PULL_TEXT}_{part + 1}"


def split_for_form(text: str, limit: int = SLACK_INPUT_MAX, most: int = MOST_PARTS) -> list[str] | None:
    """The file's text ("\\n" line ends, no final newline) in parts of at most `limit` characters; None when it
    cannot be cut so (a line longer than a part, or more than `most` parts)."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    units: list[list[str]] = [[]]
    for k, line in enumerate(lines):
        if k and _may_cut_before(lines[k - 1], line):
            units.append([])
        units[-1].append(line)
    parts: list[str] = []
    for unit in ("\n".join(u) for u in units):
        if len(unit) > limit:
            return None
        if parts and len(parts[-1]) + 1 + len(unit) <= limit:
            parts[-1] += "\n" + unit
        else:
            parts.append(unit)
    return parts if len(parts) <= most else None


def _may_cut_before(previous: str, line: str) -> bool:
    return bool(previous.strip()) and bool(line.strip()) and not line[0].isspace()


def joined(view: dict, parts: int, original: str) -> str:
    """The text the reviewer submitted, with the original file's line endings and final newlines. A later part
    left empty is dropped (the reviewer removed that text); the first part is required by the form."""
    typed = [typed_value(view, block_id(k)) for k in range(parts)]
    text = "\n".join(p for k, p in enumerate(typed) if p or k == 0)
    if "\r\n" in original:
        text = text.replace("\n", "\r\n")
    if not text.endswith("\n"):
        text += original[len(original.rstrip("\r\n")) :]  # Slack drops the final newline(s)
    return text
