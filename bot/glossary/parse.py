"""Term files -> YAML data and the line each field starts on. No rules of the format here.

Each file is parsed once into YAML nodes (which know their line numbers), then constructed into plain
data. Anything unreadable becomes one problem that says how to fix it, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import Problem, Severity

# libyaml's safe loader is several times faster; the pure-Python one reads the same files identically.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Where a value sits in a term file: ("citations", 0, "url") is the first citation's url.
FieldPath = tuple[Any, ...]


def glossary_files(directory: Path) -> list[Path]:
    """Every *.yml and *.yaml under the folder, in a stable order; editor droppings (.#x.yml) skipped."""
    found = [p for pattern in ("*.yml", "*.yaml") for p in directory.rglob(pattern)]
    return sorted(
        (p for p in found if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)),
        key=lambda p: p.relative_to(directory).as_posix(),
    )


@dataclass(frozen=True)
class ParsedFile:
    """One file's data and the line each field path starts on."""

    name: str
    data: Any  # whatever the YAML holds; the rules check its shape before anything else reads it
    lines: dict[FieldPath, int]

    def line(self, path: FieldPath) -> int | None:
        """The line of the field, or of the nearest enclosing one that the file has."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)


def parse_file(path: Path, name: str, problems: list[Problem]) -> ParsedFile | None:
    """Parse safely; on anything unreadable, record one error that says how to fix it and return None."""
    text = _read_text(path, name, problems)
    if text is None:
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
            Problem(Severity.ERROR, name, "", f"is not valid YAML ({reason}); fix the syntax near this line", line)
        )
        return None
    finally:
        loader.dispose()
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _record_lines(node, (), lines, name, problems)
    return ParsedFile(name, data, lines)


def _read_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    """The file as text, or None after recording why it cannot be a term file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = f"cannot be read ({exc.strerror}); check its permissions"
    else:
        reason = _unreadable(raw)
        if not reason:
            return raw.decode("utf-8-sig")
    problems.append(Problem(Severity.ERROR, name, "", reason))
    return None


def _unreadable(raw: bytes) -> str:
    """Why these bytes are not a term file's text, or "" when they are."""
    if b"\x00" in raw:
        return "is a binary file, not YAML text; remove it from the glossary folder"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
    if not text.strip():
        return "is empty; write a term in it or delete it"
    return ""


def _record_lines(
    node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int], name: str, problems: list[Problem]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                # PyYAML keeps the last silently; an editor would not expect that.
                field = ".".join(str(p) for p in (*path, key))
                line = key_node.start_mark.line + 1
                problems.append(Problem(Severity.ERROR, name, field, "appears twice; keep one", line))
            seen.add(key)
            _record_lines(value_node, (*path, key), lines, name, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), lines, name, problems)
