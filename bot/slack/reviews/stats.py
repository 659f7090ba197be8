"""`/define stats` for reviewers: what people looked up, and the most asked terms the glossary lacks."""

from __future__ import annotations

from ...answers.lookup_stats import LookupStats, TermFeedback
from ..cards.results import request_button
from ..kit import ids
from ..kit.blocks import context, safe, section

NOT_A_REVIEWER = "Only glossary reviewers can see lookup statistics. Ask one of them, or the admin who sets REVIEWERS."
PRIVACY = (
    "Recorded: the words looked up, the answer, the term shown, where (command, mention, DM, button, MCP) and "
    "when. Never who asked, nor in which channel. Helpful? votes are counted per term; who voted is never shown."
)


def _counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{safe(name, 40)} {n}" for name, n in counts.items()) or "none"


def stats_message(stats: LookupStats) -> dict:
    head = f"*Lookups in the last {stats.days} days:* {stats.total}"
    if stats.total:
        head += f" · {stats.hit_rate:.0%} found a term"
    blocks = [section(head)]
    if not stats.total:
        blocks += [*feedback_blocks(stats.feedback), context(PRIVACY)]
        return {"text": f"Lookups in the last {stats.days} days: none", "blocks": blocks}
    blocks.append(context(f"*By surface:* {_counts(stats.by_surface)}", f"*By outcome:* {_counts(stats.by_outcome)}"))
    if stats.top_terms:
        lines = [f"{i}. {safe(t.term, 150)}: {t.count}" for i, t in enumerate(stats.top_terms, 1)]
        blocks.append(section("*Most looked-up terms*\n" + "\n".join(lines)))
    if stats.top_misses:
        blocks.append(section("*Most asked, not in the glossary*"))
        for i, miss in enumerate(stats.top_misses):
            times = "once" if miss.count == 1 else f"{miss.count} times"
            text = f"*{safe(miss.query, 200)}*: asked {times}"
            if miss.request is not None:
                text += f" · request #{miss.request} ({safe(str(miss.request_status), 20).replace('_', ' ')})"
                blocks.append(section(text))
            else:
                blocks.append(section(text, request_button(miss.query, ids.request_term_id(i))))
    blocks += feedback_blocks(stats.feedback)
    blocks.append(context(PRIVACY))
    return {"text": f"Lookups in the last {stats.days} days: {stats.total}", "blocks": blocks}


def helpfulness_line(feedback: TermFeedback) -> str:
    """ "*RAG*: 👍 3 · 👎 5", escaped: one term's Helpful? votes."""
    return f"*{safe(feedback.term, 150)}*: 👍 {feedback.helpful} · 👎 {feedback.not_helpful}"


def feedback_blocks(feedback: tuple[TermFeedback, ...]) -> list[dict]:
    """The terms with the most 👎 first: the cards people found least helpful, to fix first."""
    if not feedback:
        return []
    lines = "\n".join(helpfulness_line(f) for f in feedback)
    return [section(f"*Helpful? votes on cards* · all time, most 👎 first\n{lines}")]
