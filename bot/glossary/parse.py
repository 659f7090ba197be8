"""Term files -> YAML data and the line each field starts on. No rules of the format here.

A term file is read with bounds, because anyone who can open a pull request can write one:
at most GLOSSARY_MAX_FILE_BYTES bytes are read, a file that changes while it is read is read again,
and a file that vanishes is simply gone. The text is then composed into YAML nodes (which know
their line numbers) under limits on nesting and on values, counting each alias as a copy of what it
names, so a few hundred bytes of anchors cannot expand into gigabytes. Only then is it constructed
into plain data. Anything unreadable becomes one problem with its line that says how to fix it,
never an exception.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.resolver import Resolver

from .model import Problem, Severity

# A real term is a few kilobytes; 1 MB leaves room for any honest glossary and none for a memory attack.
DEFAULT_MAX_FILE_BYTES = 1_000_000
# A term file is four levels deep (citations -> item -> url); 32 is generous and keeps every walk shallow.
MAX_DEPTH = 32
# A term file has a few dozen values. Aliases count as copies of what they name: that is what a reader
# of the data (the rules, the line recorder, a JSON dump) would have to walk.
MAX_VALUES = 10_000
READ_ATTEMPTS = 5  # then the file is reported as changing, and the next reload tries again
TOO_DEEP = f"is nested more than {MAX_DEPTH} levels deep; a glossary file needs four at most"
TOO_MANY = f"has more than {MAX_VALUES} values; a term needs a few dozen, a side file a few hundred"

# Where a value sits in a term file: ("citations", 0, "url") is the first citation's url.
FieldPath = tuple[Any, ...]


def glossary_files(directory: Path) -> list[Path]:
    """Every *.yml and *.yaml under the folder, in a stable order; hidden files and folders (.#x.yml) skipped.

    os.walk skips a sub-folder that vanishes mid-walk instead of failing, and follows no symlinked folder.
    """
    found = []
    for root, folders, names in os.walk(directory):
        folders[:] = [f for f in folders if not f.startswith(".")]
        found += [Path(root, n) for n in names if n.endswith((".yml", ".yaml")) and not n.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


@dataclass(frozen=True)
class FileText:
    """One term file as read: its bytes, or why it could not be a term file."""

    path: Path
    raw: bytes | None  # None when `problem` says why
    problem: str = ""
    size: int = 0
    mtime_ns: int = 0

    @property
    def name(self) -> str:
        return str(self.path)


def read_glossary_files(directory: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> list[FileText]:
    """A snapshot of every term file: each read consistently, vanished ones left out."""
    read = (read_term_file(path, max_bytes) for path in glossary_files(directory))
    return [f for f in read if f is not None]


def read_term_file(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> FileText | None:
    """At most max_bytes + 1 bytes of the file, read again if it changed meanwhile; None when it is gone."""
    for attempt in range(READ_ATTEMPTS):
        try:
            # O_NONBLOCK: a FIFO named like a term file must not hang the reload.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            return FileText(path, None, f"cannot be read ({exc.strerror}); check its permissions")
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                return None  # a folder, a socket or a pipe: not a term file
            raw = _read_at_most(fd, max_bytes + 1)
            after = os.fstat(fd)
        except OSError as exc:
            return FileText(path, None, f"cannot be read ({exc.strerror}); check its permissions")
        finally:
            os.close(fd)
        try:
            now = os.stat(path)
        except FileNotFoundError:
            return None  # deleted (or being replaced) as we read it: gone from this snapshot
        if _same(before, after) and _same(after, now):
            if len(raw) > max_bytes:
                message = (
                    f"is larger than {max_bytes} bytes, the most a term file may have (GLOSSARY_MAX_FILE_BYTES); "
                    "a term or side file needs a few kilobytes: shorten it"
                )
                return FileText(path, None, message, now.st_size, now.st_mtime_ns)
            return FileText(path, raw, "", now.st_size, now.st_mtime_ns)
        time.sleep(0.01 * (attempt + 1))  # an editor or a checkout is writing it: let it finish
    return FileText(path, None, "kept changing while it was read; it is read again at the next reload")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    """The same file, unchanged: no write, truncation or replacement between the two looks."""
    fields = ("st_ino", "st_dev", "st_size", "st_mtime_ns", "st_ctime_ns")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


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


def parse_file(
    path: Path, name: str, problems: list[Problem], max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> ParsedFile | None:
    """Read and parse one file; on anything unreadable, record one error and return None."""
    read = read_term_file(path, max_bytes)
    if read is None:
        problems.append(Problem(Severity.ERROR, name, "", "is gone; it was deleted while the glossary was read"))
        return None
    return parse_text(read, problems, name)


def parse_text(file: FileText, problems: list[Problem], name: str | None = None) -> ParsedFile | None:
    """Parse safely; on anything unreadable, record one error that says how to fix it and return None."""
    name = name or file.name
    reason = file.problem or _unreadable(file.raw or b"")
    if reason:
        problems.append(Problem(Severity.ERROR, name, "", reason))
        return None
    loader = None
    try:
        text = (file.raw or b"").decode("utf-8-sig")
        # Small files (every real term) are composed by libyaml in C, its nesting capped at 1000 levels,
        # and _walk then applies our limits; a big one is composed in Python, refused as early as it can be.
        loader = (_CLoader if _CLoader and len(text) <= C_COMPOSE_MAX_CHARS else _Loader)(text)
        node = loader.get_single_node()
        lines: dict[FieldPath, int] = {}
        if node is not None:
            _walk(node, lines, name, problems)  # before constructing: it refuses cycles and expansions
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        problems.append(Problem(Severity.ERROR, name, "", exc.message, exc.line))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(
            Problem(Severity.ERROR, name, "", f"is not valid YAML ({reason}); fix the syntax near this line", line)
        )
        return None
    except (RecursionError, MemoryError, Exception) as exc:
        # The limits above should make these impossible; if one slips through it is still this file's error.
        message = f"cannot be read ({type(exc).__name__}: {_clip(str(exc))}); simplify the file"
        problems.append(Problem(Severity.ERROR, name, "", message))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return ParsedFile(name, data, lines)


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


def _clip(text: str, limit: int = 80) -> str:
    text = text.split(";")[0].strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Refused(Exception):
    """A file beyond a limit, or with a value YAML cannot construct: one error at one line."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.line: int | None = mark.line + 1 if mark is not None else None


# What each YAML type is, for a person whose value could not be read as one.
_TYPE_WORDS = {"int": "a whole number", "float": "a number", "timestamp": "a date", "bool": "true or false"}


class _BoundedComposer(Composer):
    """PyYAML's composer with a depth limit, a value limit (aliases counted as copies) and no recursive aliases."""

    # Given by the event parser this is mixed with (libyaml's, or PyYAML's own).
    check_event: Callable[..., bool]
    peek_event: Callable[[], Any]

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._written = 0  # values written in the file
        self._values: dict[int, int] = {}  # id(node) -> values it stands for, aliases expanded

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            if id(node) not in self._values:
                raise _Refused("has an alias (*name) inside the value it names (&name); remove the alias", mark)
            return node
        mark = self.peek_event().start_mark
        self._depth += 1
        self._written += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(TOO_DEEP, mark)
        if self._written > MAX_VALUES:
            raise _Refused(TOO_MANY, mark)
        node = super().compose_node(parent, index)
        self._depth -= 1
        children = node.value if isinstance(node, yaml.SequenceNode) else []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        values = 1 + sum(self._values[id(c)] for c in children)
        if values > MAX_VALUES:
            raise _Refused(
                f"its aliases (*name) repeat its anchors (&name) into more than {MAX_VALUES} values; "
                "write the values out instead of using anchors and aliases",
                mark,
            )
        self._values[id(node)] = values
        return node


class _SafeValues(SafeConstructor):
    """PyYAML's safe constructor, with every value it cannot construct turned into a _Refused at its line."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, _Refused):
            raise
        except Exception as exc:
            # PyYAML's constructors raise whatever Python raises on a bad value: ValueError for 2026-13-45
            # or `!!int abc`, KeyError for `!!bool 1e9`, AttributeError for `!!timestamp abc`.
            tag = str(node.tag).rsplit(":", 1)[-1]
            what = _TYPE_WORDS.get(tag, f"a {tag}")
            value = _clip(repr(node.value)[1:-1], 40) if isinstance(node, yaml.ScalarNode) else ""
            message = (
                f"has '{value}', which is not {what} ({_clip(str(exc))}); fix the value, or quote it to make it text"
            )
            raise _Refused(message, node.start_mark) from exc

    def construct_undefined(self, node: Any) -> Any:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        raise _Refused(f"uses the tag {_clip(tag)}, which a glossary file may not use; remove the tag", node.start_mark)


_SafeValues.add_constructor(None, _SafeValues.construct_undefined)  # type: ignore[type-var]


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own parser, for an install without libyaml: the same events, more slowly."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


# libyaml parses the text into events many times faster; composing stays ours, with its limits.
_Events: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None) or _PythonEvents


class _Loader(_BoundedComposer, _Events, _SafeValues, Resolver):  # type: ignore[misc]
    def __init__(self, text: str) -> None:
        _Events.__init__(self, text)
        _BoundedComposer.__init__(self)
        _SafeValues.__init__(self)
        Resolver.__init__(self)


# Composing in C is most of the speed of a build; a file this size holds at most ~16,000 nodes.
C_COMPOSE_MAX_CHARS = 64_000
_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)


_CLoader: Any = None
if _CParser is not None:

    class _CComposed(_CParser, _SafeValues, Resolver):  # type: ignore[misc]
        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)
            _SafeValues.__init__(self)
            Resolver.__init__(self)

    _CLoader = _CComposed


def _walk(root: yaml.Node, lines: dict[FieldPath, int], name: str, problems: list[Problem]) -> None:
    """One pass over the composed nodes: the line of every field path, duplicate keys, and the limits
    (depth, values written, values with aliases expanded, an alias inside what it names). Each node is
    walked once: an alias names a node, it is not walked again."""
    expanded: dict[int, int] = {}  # id(node) -> values it stands for, once its children are done
    ancestors: set[int] = set()
    written = 0
    stack: list[tuple[yaml.Node, FieldPath, bool]] = [(root, (), False)]
    while stack:
        node, path, done = stack.pop()
        if done:
            ancestors.discard(id(node))
            expanded[id(node)] = 1 + sum(expanded[id(child)] for child, _ in _children(node))
            if expanded[id(node)] > MAX_VALUES:
                message = (
                    f"its aliases (*name) repeat its anchors (&name) into more than {MAX_VALUES} values; "
                    "write the values out instead of using anchors and aliases"
                )
                raise _Refused(message, node.start_mark)
            continue
        lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in expanded:
            continue
        if id(node) in ancestors:
            raise _Refused("has an alias (*name) inside the value it names (&name); remove the alias", node.start_mark)
        written += 1
        if written > MAX_VALUES:
            raise _Refused(TOO_MANY, node.start_mark)
        if len(ancestors) >= MAX_DEPTH:
            raise _Refused(TOO_DEEP, node.start_mark)
        if isinstance(node, yaml.ScalarNode):  # most nodes: no children, stands for one value
            expanded[id(node)] = 1
            continue
        ancestors.add(id(node))
        stack.append((node, path, True))
        if isinstance(node, yaml.MappingNode):
            _duplicate_keys(node, path, name, problems)
        stack.extend((child, (*path, key), False) for child, key in reversed(_children(node)))


def _children(node: yaml.Node) -> list[tuple[yaml.Node, Any]]:
    if isinstance(node, yaml.MappingNode):
        return [(v, k.value if isinstance(k, yaml.ScalarNode) else None) for k, v in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(zip(node.value, range(len(node.value)), strict=True))
    return []


def _duplicate_keys(node: yaml.MappingNode, path: FieldPath, name: str, problems: list[Problem]) -> None:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is not None and key in seen:
            # PyYAML keeps the last silently; an editor would not expect that.
            field = ".".join(str(p) for p in (*path, key))
            problems.append(
                Problem(Severity.ERROR, name, field, "appears twice; keep one", key_node.start_mark.line + 1)
            )
        seen.add(key)
