"""Flat exports: a Vale vocabulary (accept and reject lists, from usage) and CSV (one row per label)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..glossary.model import Term
from ..glossary.terminology import Terminology, Usage

CSV_COLUMNS = ("slug", "term", "label", "language", "usage", "use_instead", "why", "short_def")


def _row(t: Term, label: str, usage: str, language: str = "en", why: str = "", short_def: str = "") -> dict[str, str]:
    instead = t.term if Usage(usage).discouraged else ""
    return dict(zip(CSV_COLUMNS, (t.slug, t.term, label, language, usage, instead, why, short_def), strict=True))


def label_rows(terms: list[Term], terminology: Terminology) -> list[dict[str, str]]:
    """Every label of every term: its name (preferred), aliases (admitted), the sidecar's labels, translations."""
    rows = []
    for t in sorted(terms, key=lambda t: t.slug):
        layer = terminology.layer(t.slug)
        marked = {label.text.casefold() for label in layer.labels}
        rows.append(_row(t, t.term, Usage.PREFERRED, short_def=t.short_def))
        rows += [_row(t, a, Usage.ADMITTED) for a in t.aliases if a.casefold() not in marked]
        rows += [_row(t, x.text, x.usage, x.language, x.why) for x in layer.labels]
        for tr in layer.translations:
            rows.append(_row(t, tr.term, Usage.PREFERRED, tr.language, short_def=tr.short_def))
            rows += [_row(t, a, Usage.ADMITTED, tr.language) for a in tr.aliases]
    return rows


def to_csv(terms: list[Term], terminology: Terminology) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(label_rows(terms, terminology))
    return out.getvalue()


def vale_lists(terms: list[Term], terminology: Terminology) -> tuple[list[str], list[str]]:
    """(accept, reject): Vale vocabulary entries, one regular expression per line, English labels only.

    Accepted: every preferred and admitted label (Vale's spelling checks then leave them alone, in their case).
    Rejected: every deprecated or forbidden label (Vale's Vale.Avoid rule flags them in prose)."""
    accept: set[str] = set()
    reject: set[str] = set()
    for r in label_rows(terms, terminology):
        if r["language"] != "en":
            continue
        (reject if Usage(r["usage"]).discouraged else accept).add(_pattern(r["label"]))
    return sorted(accept - reject), sorted(reject)


def _pattern(label: str) -> str:
    """A label as Vale matches it: case-insensitive on the first letter only, as the words are in running text."""
    first = label[:1]
    if first.isalpha() and first.lower() != first.upper():
        return f"[{first.upper()}{first.lower()}]" + _escape(label[1:])
    return _escape(label)


def _escape(text: str) -> str:
    """Go's regexp (Vale's) escapes only metacharacters; Python's re.escape also escapes spaces, which Go refuses."""
    return _META.sub(r"\\\g<0>", text)


_META = re.compile(r"[\\.+*?()|\[\]{}^$]")


def write_vale(terms: list[Term], terminology: Terminology, out_dir: Path, name: str = "Glossary") -> list[Path]:
    """The vocabulary where Vale looks for it: <StylesPath>/config/vocabularies/<name>/{accept,reject}.txt."""
    folder = out_dir / "config" / "vocabularies" / name
    folder.mkdir(parents=True, exist_ok=True)
    accept, reject = vale_lists(terms, terminology)
    paths = [folder / "accept.txt", folder / "reject.txt"]
    for path, lines in zip(paths, (accept, reject), strict=True):
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return paths
