"""Cards and lookup results as plain terminal text: the same card model Slack renders as blocks."""

from __future__ import annotations

import textwrap

from ..answers.cards import Card
from ..answers.lookup_stats import LookupStats
from ..glossary.lookup import LookupResult
from ..glossary.model import RELATION_KINDS, MatchHow

WIDTH = 88


def _wrap(text: str, indent: str = "") -> str:
    # a bullet's continuation lines line up under its text, not under the bullet
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=" " * len(indent))


def _terminology_lines(card: Card) -> list[str]:
    """The usage note, the sense shown and why, the other senses and languages: what a click offers in Slack."""
    lines = [_wrap(card.usage.sentence), ""] if card.usage else []
    if card.sense:
        lines.append(_wrap(f"Sense: {card.sense.sense.name} (shown first because {card.sense.reason})"))
        lines.append(_wrap("Other senses: " + ", ".join(s.name for s in card.sense.others)))
    if card.languages:
        lines.append(
            f"Language: {card.language} (also in {', '.join(x for x in card.languages if x != card.language)})"
        )
    return [*lines, ""] if len(lines) > 2 or (lines and lines[-1]) else lines


def card_text(card: Card) -> str:
    t = card.term
    lines = [
        *_terminology_lines(card),
        t.term,
        f"{t.part_of_speech.replace('_', ' ')} · {', '.join(t.categories)}",
        f"{card.status_mark} {card.status_label}" + (f" (last reviewed {t.last_reviewed})" if t.last_reviewed else ""),
        *_review_lines(card),
        "",
        _wrap(t.short_def),
        "",
    ]
    for framing in card.framings:
        lines += [f"{framing.label}:", _wrap(t.framing(framing), "  "), ""]
    if card.role and card.takeaway:
        lines += [f"For {card.role.name}:", _wrap(card.takeaway, "  "), ""]
    if card.expanded:
        lines += ["In depth:", _wrap(t.long_def, "  "), ""]
        lines += [
            "Do:",
            *(_wrap(x, "  - ") for x in t.examples_do),
            "Don't:",
            *(_wrap(x, "  - ") for x in t.examples_dont),
            "",
        ]
        if t.aliases:
            lines += [f"Also called: {', '.join(t.aliases)}"]
        if t.risk_notes:
            lines += [_wrap(f"Risk notes: {t.risk_notes}")]
        if t.nist_tags:
            lines += [f"NIST AI RMF: {', '.join(t.nist_tags)}"]
        lines += [""]
    for kind in RELATION_KINDS:
        names = [r.name + ("" if r.slug else " (not in the glossary)") for r in card.related if r.kind == kind]
        if names:
            lines.append(f"{kind.capitalize()}: {', '.join(names)}")
    if card.related:
        lines.append("")
    if t.citations:
        lines.append("Sources:")
        lines += [f"  - {c.source} <{c.url}>" for c in t.citations]
    if card.attribution:
        lines.append(card.attribution)
    if card.docs_url:
        lines.append(card.docs_url)
    return "\n".join(lines)


def _review_lines(card: Card) -> list[str]:
    lines = [card.review_due] if card.review_due else []
    if card.verified:
        lines.append(f"Verified by {card.verified[0]} on {card.verified[1]}")
    return lines


HEADINGS = {
    "choice": "'{q}' could mean several terms:",
    "matching_definitions": "No term is named '{q}'. Terms whose definitions match:",
    "did_you_mean": "No term is named '{q}'. Did you mean:",
    "described": "No term is named '{q}'. Terms that match what you described:",  # found by the meaning lane
}
SMALL_TALK = (
    "Hello! Ask about a term and I'll show its card: `python -m bot ask what is RAG?`, "
    "or `python -m bot define RAG`. `python -m bot --help` lists the rest."
)


def result_text(result: LookupResult, asked: str | None = None) -> str:
    """Anything but a hit: the choices, the suggestions or the plain miss. A miss names `asked` (the missing
    words, without the question around them) and lists the glossary's closest terms, marked as such."""
    if result.compared:
        rows = [f"  - {t.term}: {t.short_def}" for t in result.compared]
        return "\n".join([f"'{result.query}' compares two terms:", *rows])
    offer = "described" if result.offer == "did_you_mean" and result.how == MatchHow.MEANING else result.offer
    if offer not in HEADINGS:
        lines = [f"No term matches '{asked or result.query}'."]
        if result.closest:
            lines += ["Closest in the glossary:", *(f"  - {m.term.term}: {m.term.short_def}" for m in result.closest)]
        return "\n".join([*lines, "Try `search` with other words, or ask for it to be added."])
    rows = [f"  - {m.term.term}: {m.term.short_def}" for m in result.matches]
    return "\n".join([HEADINGS[offer].format(q=result.query), *rows])


def stats_text(stats: LookupStats) -> str:
    """`python -m bot stats`: the same report as `/define stats`."""
    lines = [f"Lookups in the last {stats.days} days: {stats.total}"]
    if not stats.total:
        return "\n".join(lines + _feedback_lines(stats))
    lines[0] += f" ({stats.hit_rate:.0%} found a term)"
    lines.append("By surface: " + ", ".join(f"{k} {n}" for k, n in stats.by_surface.items()))
    lines.append("By outcome: " + ", ".join(f"{k} {n}" for k, n in stats.by_outcome.items()))
    if stats.top_terms:
        lines += ["", "Most looked-up terms:"]
        lines += [f"  {t.count:>5}  {t.term}" for t in stats.top_terms]
    if stats.top_misses:
        lines += ["", "Most asked, not in the glossary:"]
        for m in stats.top_misses:
            request = f"request #{m.request} ({m.request_status})" if m.request is not None else "no request yet"
            lines.append(f"  {m.count:>5}  {m.query}  [{request}]")
    return "\n".join(lines + _feedback_lines(stats))


def _feedback_lines(stats: LookupStats) -> list[str]:
    if not stats.feedback:
        return []
    lines = ["", "Helpful? votes on cards, all time, most 'not helpful' first:", "  helpful  not helpful  term"]
    return lines + [f"  {f.helpful:>7}  {f.not_helpful:>11}  {f.term}" for f in stats.feedback]
