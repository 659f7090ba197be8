"""Side files (data/owners.yml, data/roles.yml): read and parsed under the term files' bounds (parse.py), since
anyone who can open a pull request can write one too. A few hundred bytes of anchors cannot expand into gigabytes,
and every problem names the file and its line."""

from __future__ import annotations

from pathlib import Path

from .model import Problem
from .parse import DEFAULT_MAX_FILE_BYTES, ParsedFile, parse_text, read_term_file


def parse_side_file(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[ParsedFile | None, list[Problem]]:
    """The side file's data and line numbers. (None, []) when there is no such file; (None, [why]) when it
    cannot be used at all; an empty file is empty data, not an error."""
    read = read_term_file(path, max_bytes)
    if read is None:
        return None, []
    if read.raw is not None and not read.raw.strip():
        return ParsedFile(str(path), None, {}), []
    problems: list[Problem] = []
    return parse_text(read, problems, str(path)), problems
