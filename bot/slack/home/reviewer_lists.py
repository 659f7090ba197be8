"""Two lists of the reviewer Home, each one section block: the pull requests opened from Slack that are not done
yet, with their state, and the discouraged words people look up most, with where. Pure: no Slack I/O."""

from __future__ import annotations

from collections.abc import Sequence

from ...answers.label_lookups import LabelLookups
from ...state.pulls import PullRecord
from ..kit.blocks import context, escape, safe, section

SECTION_TEXT_MAX = 3000  # Slack's limit for a section's text
SURFACES = {
    "slash": "/define",
    "mention": "mentions",
    "dm": "DMs",
    "button": "buttons",
    "mcp": "MCP",
    "home": "Home",
    "shortcut": "Explain",
    "explain": "the agent's Explain",
    "unfurl": "links",
    "workflow": "workflows",
}
KINDS = {"request": "new term", "change": "change", "verified": "review dates"}


def pull_link(record: PullRecord) -> str:
    """ "<url|#3>, changes requested", or the branch while it has no number yet."""
    where = f"<{record.url}|#{record.number}>" if record.url and record.number else f"`{safe(record.branch, 200)}`"
    return f"{where}, {escape(record.label)}"


def pull_requests(pulls: Sequence[PullRecord]) -> list[dict]:
    blocks = [section("*Pull requests from Slack* · not merged or closed yet, newest first")]
    if not pulls:
        return [*blocks, context("None open. Open one from a triage post, a card's Suggest a change, or the digest.")]
    lines = []
    for record in pulls:
        about = f"request #{record.request_id}" if record.request_id is not None else KINDS.get(record.kind, "")
        lines.append(f"• {pull_link(record)} · {escape(about)}")
    return [*blocks, section(_fit(lines))]


def discouraged_labels(labels: Sequence[LabelLookups], days: int) -> list[dict]:
    """Counts only: the lookups table holds no person and no channel."""
    blocks = [section(f"*Discouraged words looked up* · last {days} days, most first, and where")]
    if not labels:
        return [*blocks, context("None of the deprecated or forbidden labels was looked up.")]
    lines = []
    for row in labels:
        where = ", ".join(f"{n} {escape(SURFACES.get(surface, surface))}" for surface, n in row.surfaces)
        mark = "🚫" if row.usage == "forbidden" else "⚠️"
        lines.append(
            f"• {mark} *{safe(row.label, 150)}* ({escape(str(row.usage))}; say *{safe(row.preferred, 150)}*)"
            f" · {row.total} lookup{'s' if row.total != 1 else ''}: {where}"
        )
    return [*blocks, section(_fit(lines))]


def _fit(lines: list[str]) -> str:
    """As many whole lines as a section holds."""
    text = ""
    for line in lines:
        if len(text) + len(line) + 1 > SECTION_TEXT_MAX:
            break
        text += ("\n" if text else "") + line
    return text
