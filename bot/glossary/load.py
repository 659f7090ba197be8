"""Term files -> terms and problems: parse each file, check it, build its term, then check across files.

One broken file never stops the others from loading. The stages are their own modules (parse.py,
rules.py); this one orders them and holds the rules that need the whole glossary at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .model import (
    RELATION_KINDS,
    Citation,
    LoadResult,
    Problem,
    Relation,
    RelationKind,
    Severity,
    Term,
    TermStatus,
    slugify,
)
from .names import NameIndex, normalise
from .parse import DEFAULT_MAX_FILE_BYTES, FileText, ParsedFile, parse_text, read_glossary_files
from .rules import check_term


@dataclass
class _Candidate:
    """A file that passed every rule of its own, waiting to learn whether its slug is its own."""

    path: Path
    parsed: ParsedFile
    term: Term
    position: int  # in the glossary's file order


def load_glossary(
    directory: Path | str,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    keep: Mapping[str, str] | None = None,
) -> LoadResult:
    """Every term file under the folder, loaded or refused, and every problem found on the way."""
    directory = Path(directory)
    if not directory.is_dir():
        return load_files(directory, [])
    return load_files(directory, read_glossary_files(directory, max_file_bytes), keep=keep)


def load_files(
    directory: Path, files: list[FileText], *, keep: Mapping[str, str] | None = None, check: CheckFiles | None = None
) -> LoadResult:
    """The glossary in these files, read beforehand (so its version and its terms come from the same bytes).

    `keep` is the glossary being served, slug -> file: on a slug collision the file already serving the
    slug stays, unless the other file is named for the slug. `check` parses and checks the files, each on its
    own (check_files by default; the builder process checks a big glossary's on two cores: builder.py).
    """
    result = LoadResult()
    if not directory.is_dir() and not files:
        message = "is not a folder; set GLOSSARY_DIR (or --glossary) to the folder of term files"
        result.problems.append(Problem(Severity.ERROR, str(directory), "", message))
        return result
    by_file: list[list[Problem]] = []
    candidates: dict[str, list[_Candidate]] = {}
    for candidate, problems in (check or check_files)(files):
        if candidate is not None:
            candidates.setdefault(candidate.term.slug, []).append(candidate)
        by_file.append(problems)
    accepted: list[_Candidate] = []
    for slug, claimants in candidates.items():
        winner, *others = sorted(claimants, key=lambda c: _claim_order(c, slug, keep or {}))
        accepted.append(winner)
        for other in others:
            message = (
                f"has the slug '{slug}', already used by {winner.parsed.name}; rename one term or merge the two files"
            )
            by_file[other.position].append(
                Problem(Severity.ERROR, other.parsed.name, "term", message, other.parsed.line(("term",)))
            )
    accepted.sort(key=lambda c: c.position)
    for c in accepted:
        if c.path.stem != c.term.slug:
            message = f"the file name should be the term's slug: rename it to {c.term.slug}.yml"
            by_file[c.position].append(
                Problem(Severity.WARNING, c.parsed.name, "term", message, c.parsed.line(("term",)))
            )
    result.problems = [p for problems in by_file for p in problems]
    terms = [c.term for c in accepted]
    checked = _cross_check(terms, {c.term.slug: c.parsed for c in accepted}, result.problems)
    result.terms = derive_inverse_relations(checked)
    return result


def _claim_order(c: _Candidate, slug: str, keep: Mapping[str, str]) -> tuple[bool, bool, int]:
    """Which file keeps a shared slug: the one named for it, else the one serving it now, else file order.

    Never the new file's name alone: a newcomer that sorts first must not replace the real term.
    """
    return (c.path.stem != slug, keep.get(slug) != c.parsed.name, c.position)


# One file's term (None when the file has errors of its own) and its problems.
Checked = tuple["_Candidate | None", list[Problem]]
CheckFiles = Callable[[list[FileText]], list[Checked]]


def check_files(files: list[FileText], first_position: int = 0) -> list[Checked]:
    """Each file parsed and checked on its own, in file order; `first_position`: where `files` starts in the
    glossary's file order, when they are a part of it (the builder checks a big glossary in two halves)."""
    out: list[Checked] = []
    for position, file in enumerate(files, first_position):
        problems: list[Problem] = []
        out.append((_check_file(file, position, problems), problems))
    return out


def _check_file(file: FileText, position: int, problems: list[Problem]) -> _Candidate | None:
    """The file's term when it has no errors of its own; its problems go into `problems` either way."""
    pf = parse_text(file, problems)
    if pf is None:
        return None
    problems.extend(check_term(pf))
    if any(p.severity == Severity.ERROR for p in problems):
        return None
    return _Candidate(file.path, pf, _build_term(pf), position)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v.strip() for v in value or ())


def _build_term(pf: ParsedFile) -> Term:
    """The term of a file that passed every rule, so each field has the shape the rules asked for."""
    d = pf.data
    governance = d.get("governance") or {}
    relationships = d.get("relationships") or {}
    reviewed = d["last_reviewed"]
    return Term(
        slug=slugify(d["term"]),
        term=d["term"].strip(),
        aliases=_texts(d["aliases"]),
        categories=_texts(d["categories"]),
        roles=tuple(d["roles"]),
        part_of_speech=d["part_of_speech"],
        short_def=_text(d["short_def"]),
        long_def=_text(d["long_def"]),
        exec_framing=_text(d["audiences"]["exec"]),
        engineer_framing=_text(d["audiences"]["engineer"]),
        examples_do=_texts(d["examples"]["do"]),
        examples_dont=_texts(d["examples"]["dont"]),
        nist_tags=_texts(governance.get("nist_rmf_tags")),
        risk_notes=_text(governance.get("risk_notes")),
        relations=tuple(
            Relation(kind, target.strip()) for kind in RELATION_KINDS for target in relationships.get(kind) or ()
        ),
        citations=tuple(Citation(c["source"].strip(), c["url"].strip()) for c in d["citations"]),
        license=d["license"],
        status=TermStatus(d["status"]),
        last_reviewed=reviewed.isoformat() if isinstance(reviewed, dt.date) else reviewed.strip(),
        source_file=pf.name,
    )


def _cross_check(terms: list[Term], parsed: dict[str, ParsedFile], problems: list[Problem]) -> list[Term]:
    """Rules that need the whole glossary: shared aliases, aliases that are names, relationship targets."""
    index = NameIndex(terms)
    by_slug = {t.slug: t for t in terms}
    resolved: list[Term] = []
    for t in terms:
        pf = parsed[t.slug]
        problems.extend(_alias_problems(t, pf, index, by_slug))
        relations = _resolve_relations(t, pf, index, by_slug, problems)
        resolved.append(replace(t, relations=relations))
    return resolved


def _alias_problems(t: Term, pf: ParsedFile, index: NameIndex, by_slug: dict[str, Term]) -> list[Problem]:
    """An alias that is another term's name, or that another term shares: lookup cannot show this term for it."""
    problems = []
    for i, alias in enumerate(t.aliases):
        key = normalise(alias)
        name_owner = index.by_name.get(key)
        if name_owner and name_owner != t.slug:
            message = (
                f"'{alias}' is the name of the term '{by_slug[name_owner].term}', so lookup shows that term; "
                "remove the alias or rename one of the terms"
            )
        else:
            others = [by_slug[s].term for s in index.by_alias.get(key, []) if s != t.slug]
            if not others:
                continue
            message = (
                f"'{alias}' is also an alias of {', '.join(repr(o) for o in others)}; lookup will ask "
                "which term is meant. Keep it on one term if it has one meaning"
            )
        problems.append(Problem(Severity.WARNING, pf.name, f"aliases[{i}]", message, pf.line(("aliases", i))))
    return problems


def _resolve_relations(
    t: Term, pf: ParsedFile, index: NameIndex, by_slug: dict[str, Term], problems: list[Problem]
) -> tuple[Relation, ...]:
    """The term's relations with their targets' slugs; a target that names no one term is a warning."""
    relations = []
    for kind in RELATION_KINDS:
        for i, rel in enumerate(t.related(kind)):
            _, slugs, _ = index.resolve(rel.target)
            if len(slugs) == 1:
                relations.append(Relation(kind, rel.target, slugs[0]))
                continue
            relations.append(rel)
            if slugs:
                names = ", ".join(repr(by_slug[s].term) for s in slugs)
                message = f"'{rel.target}' could mean {names}; use the exact term name"
            else:
                message = f"'{rel.target}' names no term in the glossary; add that term or fix the name"
            where = pf.line(("relationships", kind, i))
            problems.append(Problem(Severity.WARNING, pf.name, f"relationships.{kind}[{i}]", message, where))
    return tuple(relations)


# The way a link reads from its other end: A lists B as broader, so B's card shows A as narrower.
INVERSE_KIND = {
    RelationKind.BROADER: RelationKind.NARROWER,
    RelationKind.NARROWER: RelationKind.BROADER,
    RelationKind.RELATED: RelationKind.RELATED,
}


def derive_inverse_relations(terms: list[Term]) -> list[Term]:
    """A link written in one file shows on both cards: when A names B (broader, narrower or related) and B's file
    names A under no kind at all, B gets the inverse link, marked `derived`. Only in memory and in the disposable
    glossary database, never in the term files, so an editor who adds the link by hand changes nothing visible."""
    by_slug = {t.slug: t for t in terms}
    added: dict[str, list[Relation]] = {}
    for t in terms:
        for rel in t.relations:
            other = by_slug.get(rel.slug) if rel.slug else None
            if other is None or other.slug == t.slug or any(r.slug == t.slug for r in other.relations):
                continue
            extra = added.setdefault(other.slug, [])
            if not any(r.slug == t.slug for r in extra):  # A naming B twice gives B one link back
                extra.append(Relation(INVERSE_KIND[rel.kind], t.term, t.slug, derived=True))
    return [replace(t, relations=t.relations + tuple(added[t.slug])) if t.slug in added else t for t in terms]
