"""A new term's draft file from a request, in the glossary's own scaffold shape.

The 15 keys in order, every scalar double-quoted, long_def as a folded block, status "draft", today's
date, and placeholders (starting with TODO) wherever a human must write. `check` reports each
placeholder as an error, so a draft is never served until someone has written it.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from ..glossary.model import LICENSE, one_line, slugify
from ..glossary.rules import PLACEHOLDER
from .rules import AUDIENCE_ROLES, TermRequest


def _q(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, escapes included.
    return json.dumps(text, ensure_ascii=False)


def _todo(what: str) -> str:
    return _q(f"{PLACEHOLDER}: {what}")


def _list(items: list[str]) -> str:
    return "".join(f"\n  - {item}" for item in items)


def draft_text(request: TermRequest, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    aliases = [a.strip() for a in request.aliases.replace(";", ",").split(",") if a.strip()]
    roles = sorted({AUDIENCE_ROLES[a] for a in request.audiences if a in AUDIENCE_ROLES})
    # Control characters are not allowed in a YAML block scalar; the reason is only a hint here anyway.
    why = "".join(ch for ch in " ".join(request.why.split()) if ch.isprintable())
    long_def = textwrap.fill(
        f"{PLACEHOLDER}: write 80 to 220 words. Requested because: {why}",
        78,
        initial_indent="  ",
        subsequent_indent="  ",
    )
    citations = [f"- source: {_todo('name this source')}\n    url: {_q(link)}" for link in request.links] or [
        f"- source: {_todo('name a source')}\n    url: {_q('https://example.org/TODO')}"
    ]
    lines = [
        f"term: {_q(request.term.strip().lower())}",
        "aliases:" + _list([_q(a) for a in aliases] or [_todo("add at least one alias or acronym")]),
        "categories:" + _list([_todo("pick a category, e.g. Foundations")]),
        "roles:" + _list([_q(r) for r in roles] or [_todo("pick roles: product, engineering, data_science, ...")]),
        f"part_of_speech: {_todo('noun, noun_phrase, verb, adjective, process or concept')}",
        f"short_def: {_todo('one sentence, at most 40 words')}",
        "long_def: >-\n" + long_def,
        "audiences:",
        f"  exec: {_todo('why it matters to the business, in one sentence')}",
        f"  engineer: {_todo('how it works or what to do with it, in one sentence')}",
        "examples:",
        "  do:" + _list([_todo("a good use")]).replace("\n  -", "\n    -"),
        "  dont:" + _list([_todo("a misuse to avoid")]).replace("\n  -", "\n    -"),
        "governance: {}",
        "relationships:",
        "  broader: []",
        "  narrower: []",
        "  related: []",
        "citations:",
        *("  " + c for c in citations),
        f"license: {_q(LICENSE)}",
        f"status: {_q('draft')}",
        f"last_reviewed: {_q(today.isoformat())}",
    ]
    header = f"# Draft from term request #{request.id}. Replace every {PLACEHOLDER}, then run `python -m bot check`.\n"
    return header + "\n".join(lines) + "\n"


class DraftRefused(ValueError):
    """The request's term makes no safe file name; the message says why, in one line."""


# Most file systems allow 255 bytes in a name; ".yml" and some slack for editors' backup suffixes.
SLUG_MAX_BYTES = 200


def draft_path(term: str, out_dir: Path) -> Path:
    """<slug>.yml inside out_dir, by the glossary's one slug rule, or DraftRefused.

    A term is typed by anyone in Slack, so its slug may be `../../x`, `/etc/x` or hold a NUL: a name
    that is not one plain file name directly inside out_dir is refused, never cleaned into another.
    """
    slug = slugify(term)
    shown = one_line(slug)[:80]
    if not slug or slug in (".", "..") or slug.startswith("."):
        raise DraftRefused(f"the term's slug {shown!r} cannot be a file name (empty, or hidden from the glossary)")
    if any(ch in slug for ch in ("/", "\\", "\0")) or one_line(slug) != slug:
        raise DraftRefused(f"the term's slug {shown!r} cannot be a file name (it holds a path or control character)")
    if len(slug.encode()) > SLUG_MAX_BYTES:
        raise DraftRefused(f"the term's slug cannot be a file name (longer than {SLUG_MAX_BYTES} bytes)")
    path = out_dir / f"{slug}.yml"
    if path.resolve().parent != out_dir.resolve():
        raise DraftRefused(f"the term's slug {shown!r} cannot be a file name inside {out_dir}")
    return path


def write_draft(request: TermRequest, out_dir: Path, today: dt.date | None = None) -> Path:
    """Writes <slug>.yml inside out_dir; never overwrites an existing file. Raises DraftRefused or OSError."""
    path = draft_path(request.term, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:  # "x": fail rather than clobber someone's work
        f.write(draft_text(request, today))
    return path
