"""Whether the term files changed, without reading them: one stat per file.

A reload (and a warm start) compares these before reading and hashing anything (see live.py, db.py).
"""

from __future__ import annotations

import os
from pathlib import Path

# What a reload compares before reading anything: per term file, its size, modification and change
# times and inode. Any edit, touch, replacement or deletion changes it; only then are files read and hashed.
FileStats = dict[str, tuple[int, int, int, int]]


def file_stats(directory: Path) -> FileStats:
    """The stat of every term file (the files parse.glossary_files lists), keyed by path."""
    stats: FileStats = {}
    folders = [str(directory)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue  # gone or unreadable mid-walk, as os.walk would skip it
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif name.endswith((".yml", ".yaml")):
                    s = entry.stat()
                    stats[entry.path] = (s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino)
            except OSError:
                continue
    return stats
