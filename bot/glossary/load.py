"""YAML files -> terms and problems. One broken file never stops the others from loading.

Each file is parsed once into YAML nodes (which know their line numbers), then constructed into
plain data and checked field by field against the rules of the glossary format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import yaml

from .lookup import NameIndex, normalise
from .model import RELATION_KINDS, Citation, LoadResult, Problem, Relation, Term, slugify
from .rules import check_term

# libyaml's safe loader is several times faster; the pure-Python one reads the same files identically.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def glossary_files(directory: Path) -> list[Path]:
    """Every *.yml and *.yaml under the folder, in a stable order; editor droppings (.#x.yml) skipped."""
    found = [p for pattern in ("*.yml", "*.yaml") for p in directory.rglob(pattern)]
    return sorted(
        (p for p in found if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)),
        key=lambda p: p.relative_to(directory).as_posix(),
    )


class ParsedFile:
    """One file's data and the line each field path starts on."""

    def __init__(self, name: str, data: object, lines: dict[tuple, int]):
        self.name = name
        self.data = data
        self.lines = lines

    def line(self, path: tuple) -> int | None:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)


def parse_file(path: Path, name: str, problems: list[Problem]) -> ParsedFile | None:
    """Parse safely; on anything unreadable, record one error that says how to fix it and return None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem("error", name, "", f"cannot be read ({exc.strerror}); check its permissions"))
        return None
    if b"\x00" in raw:
        problems.append(
            Problem("error", name, "", "is a binary file, not YAML text; remove it from the glossary folder")
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem("error", name, "", f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8")
        )
        return None
    if not text.strip():
        problems.append(Problem("error", name, "", "is empty; write a term in it or delete it"))
        return None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(
            Problem("error", name, "", f"is not valid YAML ({reason}); fix the syntax near this line", line)
        )
        return None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if node is not None:
        _record_lines(node, (), lines, name, problems)
    return ParsedFile(name, data, lines)


def _record_lines(node, path: tuple, lines: dict, name: str, problems: list[Problem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                # PyYAML keeps the last silently; an editor would not expect that.
                field = ".".join(str(p) for p in (*path, key))
                problems.append(Problem("error", name, field, "appears twice; keep one", key_node.start_mark.line + 1))
            seen.add(key)
            _record_lines(value_node, (*path, key), lines, name, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), lines, name, problems)


def load_glossary(directory: Path | str) -> LoadResult:
    directory = Path(directory)
    result = LoadResult()
    if not directory.is_dir():
        result.problems.append(
            Problem(
                "error",
                str(directory),
                "",
                "is not a folder; set GLOSSARY_DIR (or --glossary) to the folder of term files",
            )
        )
        return result
    terms: list[Term] = []
    parsed: dict[str, ParsedFile] = {}
    first_file_for_slug: dict[str, str] = {}
    for path in glossary_files(directory):
        name = str(path)
        file_problems: list[Problem] = []
        pf = parse_file(path, name, file_problems)
        term = None
        if pf is not None:
            file_problems.extend(check_term(pf))
            if not any(p.severity == "error" for p in file_problems):
                term = _build_term(pf)
        if term is not None:
            if term.slug in first_file_for_slug:
                file_problems.append(
                    Problem(
                        "error",
                        name,
                        "term",
                        f"has the slug '{term.slug}', already used by "
                        f"{first_file_for_slug[term.slug]}; rename one term or merge the two files",
                        pf.line(("term",)),
                    )
                )
                term = None
            else:
                first_file_for_slug[term.slug] = name
                if path.stem != term.slug:
                    file_problems.append(
                        Problem(
                            "warning",
                            name,
                            "term",
                            f"the file name should be the term's slug: rename it to {term.slug}.yml",
                            pf.line(("term",)),
                        )
                    )
        result.problems.extend(file_problems)
        if term is not None:
            terms.append(term)
            parsed[term.slug] = pf
    result.terms = _cross_check(terms, parsed, result.problems)
    return result


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value) -> tuple[str, ...]:
    return tuple(v.strip() for v in value or ())


def _build_term(pf: ParsedFile) -> Term:
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
        status=d["status"],
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
        for i, alias in enumerate(t.aliases):
            key = normalise(alias)
            name_owner = index.by_name.get(key)
            where = pf.line(("aliases", i))
            if name_owner and name_owner != t.slug:
                problems.append(
                    Problem(
                        "warning",
                        pf.name,
                        f"aliases[{i}]",
                        f"'{alias}' is the name of the term '{by_slug[name_owner].term}', so lookup shows that term; "
                        "remove the alias or rename one of the terms",
                        where,
                    )
                )
            else:
                others = [by_slug[s].term for s in index.by_alias.get(key, []) if s != t.slug]
                if others:
                    problems.append(
                        Problem(
                            "warning",
                            pf.name,
                            f"aliases[{i}]",
                            f"'{alias}' is also an alias of {', '.join(repr(o) for o in others)}; lookup will ask "
                            "which term is meant. Keep it on one term if it has one meaning",
                            where,
                        )
                    )
        relations = []
        for kind in RELATION_KINDS:
            for i, rel in enumerate(t.related(kind)):
                how, slugs, _ = index.resolve(rel.target)
                where = pf.line(("relationships", kind, i))
                if len(slugs) == 1:
                    relations.append(Relation(kind, rel.target, slugs[0]))
                    continue
                relations.append(rel)
                if slugs:
                    names = ", ".join(repr(by_slug[s].term) for s in slugs)
                    message = f"'{rel.target}' could mean {names}; use the exact term name"
                else:
                    message = f"'{rel.target}' names no term in the glossary; add that term or fix the name"
                problems.append(Problem("warning", pf.name, f"relationships.{kind}[{i}]", message, where))
        resolved.append(replace(t, relations=tuple(relations)))
    return resolved
