"""An organisation adopting the starter glossary: every term's `status` and `last_reviewed` reset to what is
true for that organisation, and a default owner for every category nobody owns yet.

The starter set arrives `reviewed` by its authors, on the days they checked it. Nobody at the adopting
organisation has reviewed anything yet, so its review cycle should start from the day it adopts the set, with
the status it chooses (`draft`: our experts must read each term; `reviewed`: we accept the authors' review),
and every term needs someone whose review digest it lands in.

Files change the way `reviews apply` changes them (see writeback.py): the file is parsed to find where each
value sits and only those characters change, in the quoting style they had; comments, folding, key order,
line endings and a byte order mark stay byte for byte. Writes go only to regular files inside the glossary
folder, found by real path; a symlink is refused, never followed. Each file is written whole or not at all
(a temporary file beside it, then a rename). A deprecated term keeps its status and date: it is retired, and
adopting the set does not bring it back.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..glossary.model import Severity
from ..glossary.names import normalise
from ..glossary.parse import glossary_files
from .owners import is_group, is_user, load_owners
from .writeback import QUOTES, CannotRewrite, set_last_reviewed

ADOPTABLE = ("draft", "reviewed")  # never "approved": approval is the adopting organisation's own act
KEPT = "deprecated"
EMPTY_OWNERS = """\
# Who owns which glossary terms (see README, "Owners and reviews"). Written by `reviews adopt`.
owners:
  categories: {}
  roles: {}
  terms: {}
"""


class CannotAdopt(ValueError):
    """The adoption cannot go ahead as asked; the message names the problem and the fix."""


@dataclass(frozen=True)
class FileChange:
    """One file's new text and, for the reader, what changed in it."""

    path: Path
    text: str
    changes: tuple[str, ...]


@dataclass
class Adoption:
    """What adopting would change: the term files, the owners file, and files left alone (with why)."""

    terms: list[FileChange] = field(default_factory=list)
    owners: FileChange | None = None
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def set_scalar(text: str, key: str, value: str) -> str:
    """The same text with the top-level `key` set to `value`, in the quoting style it had."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise CannotRewrite(f"cannot be read as YAML ({' '.join(str(exc).split())[:120]})") from None
    if not isinstance(root, yaml.MappingNode):
        raise CannotRewrite("is not a mapping of the term's keys")
    found = [v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    if len(found) != 1:
        raise CannotRewrite(f"has no {key}" if not found else f"has {key} more than once")
    node = found[0]
    if not isinstance(node, yaml.ScalarNode) or node.style not in QUOTES:
        raise CannotRewrite(f"writes {key} in a form other than a plain or quoted value")
    result = text[: node.start_mark.index] + QUOTES[node.style].format(value) + text[node.end_mark.index :]
    if yaml.safe_load(result).get(key) != value:
        raise CannotRewrite(f"{key} did not read back as {value!r}")
    return result


def adopted_text(text: str, status: str, day: dt.date) -> tuple[str, tuple[str, ...]]:
    """A term file's text after adoption, and what changed; a deprecated term is returned as it was."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CannotRewrite(f"cannot be read as YAML ({' '.join(str(exc).split())[:120]})") from None
    if not isinstance(data, dict):
        raise CannotRewrite("is not a mapping of the term's keys")
    old_status, old_day = str(data.get("status", "")).strip(), str(data.get("last_reviewed", "")).strip()
    if old_status == KEPT:
        return text, ()
    changes = []
    if old_status != status:
        text = set_scalar(text, "status", status)
        changes.append(f"status {old_status or '?'} -> {status}")
    if old_day != day.isoformat():
        text = set_last_reviewed(text, day)
        changes.append(f"last_reviewed {old_day or '?'} -> {day.isoformat()}")
    return text, tuple(changes)


def inside(folder: Path, path: Path) -> Path:
    """The file's real path, when it is a regular file (not a symlink) inside the folder's real path."""
    if path.is_symlink():
        raise CannotRewrite("is a symlink; adopt changes only real files in the glossary folder")
    real = path.resolve()
    if not real.is_relative_to(folder.resolve()) or not real.is_file():
        raise CannotRewrite("is not a regular file inside the glossary folder")
    return real


def plan_terms(glossary_dir: Path, status: str, day: dt.date, adoption: Adoption) -> None:
    folder = glossary_dir.resolve()
    for path in glossary_files(folder):
        try:
            real = inside(folder, path)
            before = real.read_bytes().decode("utf-8")
            after, changes = adopted_text(before, status, day)
        except (OSError, UnicodeDecodeError, CannotRewrite) as exc:
            adoption.refused.append(f"{path}: {exc}")
            continue
        if changes:
            adoption.terms.append(FileChange(real, after, changes))
        else:
            adoption.unchanged += 1


def categories_in(glossary_dir: Path) -> list[str]:
    """Every category the term files name, in the order first seen (files that do not parse are skipped)."""
    seen: dict[str, None] = {}
    for path in glossary_files(glossary_dir.resolve()):
        try:
            data = yaml.safe_load(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        cats = data.get("categories") if isinstance(data, dict) else None
        for cat in cats if isinstance(cats, list) else []:
            if isinstance(cat, str) and cat.strip():
                seen.setdefault(cat.strip())
    return list(seen)


def _flow_key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_category_owners(text: str, owner: str, categories: list[str]) -> tuple[str, tuple[str, ...]]:
    """The owners file with `owner` for every category that has no rule yet; existing rules stay as written.

    Only the `categories:` value changes: `{}` becomes a block of one line per category, a flow mapping with
    rules gains entries before its closing brace, a block mapping gains lines after its last entry.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    owners = _child(root, "owners")
    node = _child(owners, "categories")
    if owners is None or node is None:
        raise CannotAdopt("the owners file has no owners.categories; add `categories: {}` under `owners:`")
    if not isinstance(node, yaml.MappingNode):
        raise CannotAdopt("owners.categories must be a mapping of category names to Slack ids; write `{}` for none")
    have = {normalise(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    missing = [c for c in categories if normalise(c) not in have]  # compared as the owners rules compare them
    if not missing:
        return text, ()
    newline = "\r\n" if "\r\n" in text else "\n"
    if node.flow_style and not node.value:  # `{}`: written out as a block, one category a line, easy to edit
        line_start = text.rfind("\n", 0, node.start_mark.index) + 1
        key_indent = len(text[line_start:]) - len(text[line_start:].lstrip(" "))
        lines = "".join(f"{newline}{' ' * (key_indent + 2)}{_flow_key(c)}: [{owner}]" for c in missing)
        eol = text.find(newline, node.end_mark.index)  # a comment after `{}` stays on the key's line
        eol = len(text) if eol < 0 else eol
        start, end = node.start_mark.index, node.end_mark.index
        text = text[:start].rstrip(" ") + text[end:eol] + lines + text[eol:]
    elif node.flow_style:
        end = node.end_mark.index - 1  # the closing brace
        entries = ", ".join(f"{_flow_key(c)}: [{owner}]" for c in missing)
        text = text[:end].rstrip() + (", " if node.value else "") + entries + text[end:]
    else:
        end = text.find("\n", _last_leaf(node).end_mark.index)  # the end of the last entry's line
        cut = len(text) if end < 0 else end + 1
        indent = " " * node.value[0][0].start_mark.column
        lines = "".join(f"{indent}{_flow_key(c)}: [{owner}]{newline}" for c in missing)
        text = text[:cut] + ("" if text[:cut].endswith("\n") else newline) + lines + text[cut:]
    return text, tuple(f"owners.categories {c!r} -> [{owner}]" for c in missing)


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The last scalar or flow collection inside a node: its end mark is exact, unlike a block collection's,
    which can reach into the next line."""
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    return found[0] if found else None


def plan_owners(owners_file: Path, glossary_dir: Path, owner: str, adoption: Adoption) -> None:
    if owners_file.is_symlink():
        raise CannotAdopt(f"{owners_file} is a symlink; adopt writes only a real owners file")
    before = owners_file.read_bytes().decode("utf-8") if owners_file.exists() else EMPTY_OWNERS
    try:
        after, changes = with_category_owners(before, owner, categories_in(glossary_dir))
    except yaml.YAMLError as exc:
        first = " ".join(str(exc).split())[:120]
        raise CannotAdopt(f"{owners_file} cannot be read as YAML ({first}); fix it first") from None
    _, problems = _read_back(after, owners_file)
    if problems:
        raise CannotAdopt(f"{owners_file} would not be valid after adoption: {problems[0]}; fix it first")
    if changes or not owners_file.exists():
        adoption.owners = FileChange(owners_file.resolve() if owners_file.exists() else owners_file, after, changes)


def _read_back(text: str, where: Path) -> tuple[object, list[str]]:
    """The owners file as the bot would read it, from a scratch copy (the real one is not touched)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch, where.name)
        copy.write_text(text, encoding="utf-8")
        owners, problems = load_owners(copy)
    return owners, [
        f"{p.field}: {p.message}" if p.field else p.message for p in problems if p.severity is Severity.ERROR
    ]


def plan_adoption(glossary_dir: Path, owners_file: Path, owner: str, status: str, day: dt.date) -> Adoption:
    """Everything adopting would change, computed without writing anything."""
    if status not in ADOPTABLE:
        raise CannotAdopt(f"status must be one of {', '.join(ADOPTABLE)}, not {status!r}")
    if not (is_user(owner) or is_group(owner)):
        raise CannotAdopt(f"{owner!r} is not a Slack user id (U…/W…) or user group id (S…); copy it from Slack")
    if not glossary_dir.is_dir():
        raise CannotAdopt(f"{glossary_dir} is not a folder; set GLOSSARY_DIR (or --glossary) to the term files")
    adoption = Adoption()
    plan_owners(owners_file, glossary_dir, owner, adoption)
    plan_terms(glossary_dir, status, day, adoption)
    return adoption


def write_whole(path: Path, text: str) -> None:
    """Write the file whole or not at all: a temporary file beside it, its mode copied, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def apply_adoption(adoption: Adoption) -> list[Path]:
    """Write the planned changes; the files written, in order (the owners file first)."""
    written = []
    for change in ([adoption.owners] if adoption.owners else []) + adoption.terms:
        if change.path.is_symlink():  # replaced by a symlink since the plan was made: leave it alone
            adoption.refused.append(f"{change.path}: is a symlink; adopt changes only real files")
            continue
        change.path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(change.path, change.text)
        written.append(change.path)
    return written
