"""Verified dates back into the term files: the `last_reviewed` value rewritten in place, nothing else.

The file is parsed (never pattern-matched) to find where the value sits, and only those characters change:
the quoting style written there ('…', "…" or none), comments, folding, key order and line endings stay
byte for byte, so the pull request a maintainer reviews shows one changed line per term.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..glossary.model import Term
from .staleness import Verification, file_date

QUOTES = {None: "{}", "'": "'{}'", '"': '"{}"'}


class CannotRewrite(ValueError):
    """The file's last_reviewed cannot be rewritten in place; the message says why."""


def set_last_reviewed(text: str, day: dt.date) -> str:
    """The same text with `last_reviewed` set to the day, in the quoting style it had."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise CannotRewrite(f"cannot be read as YAML ({' '.join(str(exc).split())[:120]})") from None
    if not isinstance(root, yaml.MappingNode):
        raise CannotRewrite("is not a mapping of the term's keys")
    found = [v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "last_reviewed"]
    if len(found) != 1:
        raise CannotRewrite("has no last_reviewed" if not found else "has last_reviewed more than once")
    value = found[0]
    if not isinstance(value, yaml.ScalarNode) or value.style not in QUOTES:
        raise CannotRewrite("writes last_reviewed in a form other than a plain or quoted date")
    start, end = value.start_mark.index, value.end_mark.index
    written = QUOTES[value.style].format(day.isoformat())
    result = text[:start] + written + text[end:]
    reread = yaml.safe_load(result).get("last_reviewed")
    if str(reread) != day.isoformat():  # a date object (unquoted) or a string, but always this day
        raise CannotRewrite("last_reviewed did not read back as the new date")
    return result


@dataclass(frozen=True)
class Written:
    term: Term
    path: Path
    before: str  # the file's date, as the term had it
    after: dt.date


def to_write(terms: Iterable[Term], verified: Mapping[str, Verification]) -> list[tuple[Term, dt.date]]:
    """Terms whose latest verification in Slack is later than the date in their file."""
    found = []
    for term in terms:
        v = verified.get(term.slug)
        written = file_date(term)
        if v and (written is None or v.on > written):
            found.append((term, v.on))
    return found


def write_dates(
    pending: Iterable[tuple[Term, dt.date]], out: Path | None = None, *, inside: Path | None = None
) -> tuple[list[Written], list[str]]:
    """Rewrite each term's file (or write a copy into `out`, under the same file name); a file that cannot be
    rewritten is left alone and named in the problems. Bytes are decoded and encoded as UTF-8 with no newline
    translation, so CRLF files stay CRLF.

    With `inside` (the glossary folder the command was given), a term file is written only when its real
    path lies inside that folder's real path and no symlink leads to it: a cached glossary built from
    another checkout, or a term file linked from elsewhere, is refused by name instead of written through.
    Each file is replaced whole (a temporary file renamed over it), never left half-written."""
    done: list[Written] = []
    problems: list[str] = []
    for term, day in pending:
        source = Path(term.source_file)
        target = (out / source.name) if out else source
        try:
            if inside is not None and out is None:
                _check_inside(source, inside)
            if out is not None:
                _check_inside(target, out)
            changed = set_last_reviewed(_read_no_symlink(source).decode("utf-8"), day)
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace(target, changed.encode("utf-8"))
        except (OSError, UnicodeDecodeError, CannotRewrite) as exc:
            problems.append(f"{source}: {exc}")
            continue
        done.append(Written(term, target, term.last_reviewed, day))
    return done, problems


def _check_inside(path: Path, folder: Path) -> None:
    """Refuse a path that is not the folder's own file: outside it by real path, or reached by a symlink."""
    root = Path(os.path.realpath(folder))
    absolute = Path(os.path.abspath(path))
    real = Path(os.path.realpath(absolute))
    # No symlink between the folder and the file: below the folder, the path as written is the real one.
    written_root = Path(os.path.abspath(folder))
    expected = root / absolute.relative_to(written_root) if absolute.is_relative_to(written_root) else absolute
    if real != expected:
        raise CannotRewrite("is reached through a symlink; apply writes only the glossary folder's own files")
    if not real.is_relative_to(root):
        raise CannotRewrite(f"is not inside {root} (the folder given); run apply from the checkout it belongs to")


def _read_no_symlink(path: Path) -> bytes:
    """The file's bytes, refusing a symlink in its last component (O_NOFOLLOW) as well as in the check above."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as file:
        return file.read()


def _replace(target: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: readers see the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)  # replaces a symlink itself, never the file it points to
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
