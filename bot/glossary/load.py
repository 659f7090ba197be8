"""Term files -> terms and problems: parse each file, check it, build its term, then check across files.

One broken file never stops the others from loading. The stages are their own modules (parse.py,
rules.py); this one orders them and holds the rules that need the whole glossary at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
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
from .parse import ParsedFile, glossary_files, parse_file
from .rules import check_term


@dataclass
class _Loaded:
    """The terms accepted so far, each with the file it came from, in glossary order."""

    terms: list[Term] = field(default_factory=list)
    files: dict[str, ParsedFile] = field(default_factory=dict)  # by slug


def load_glossary(directory: Path | str) -> LoadResult:
    """Every term file under the folder, loaded or refused, and every problem found on the way."""
    directory = Path(directory)
    result = LoadResult()
    if not directory.is_dir():
        message = "is not a folder; set GLOSSARY_DIR (or --glossary) to the folder of term files"
        result.problems.append(Problem(Severity.ERROR, str(directory), "", message))
        return result
    loaded = _Loaded()
    for path in glossary_files(directory):
        result.problems.extend(_load_file(path, loaded))
    result.terms = derive_inverse_relations(_cross_check(loaded.terms, loaded.files, result.problems))
    return result


def _load_file(path: Path, loaded: _Loaded) -> list[Problem]:
    """One file's problems; its term joins `loaded` when the file has no errors and a slug of its own."""
    name = str(path)
    problems: list[Problem] = []
    pf = parse_file(path, name, problems)
    if pf is None:
        return problems
    problems.extend(check_term(pf))
    if any(p.severity == Severity.ERROR for p in problems):
        return problems
    term = _build_term(pf)
    where = pf.line(("term",))
    taken_by = loaded.files.get(term.slug)
    if taken_by is not None:
        message = f"has the slug '{term.slug}', already used by {taken_by.name}; rename one term or merge the two files"
        problems.append(Problem(Severity.ERROR, name, "term", message, where))
        return problems
    if path.stem != term.slug:
        message = f"the file name should be the term's slug: rename it to {term.slug}.yml"
        problems.append(Problem(Severity.WARNING, name, "term", message, where))
    loaded.terms.append(term)
    loaded.files[term.slug] = pf
    return problems


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
