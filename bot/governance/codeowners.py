"""A CODEOWNERS file from data/owners.yml: each owned term file with its owners' git host handles.

A term's owners here are the people a request about it goes to (its own owners and its categories' owners,
owners.request_owners), so the pull requests the bot opens and the ones people open by hand ask the same
reviewers. Categories and roles have no path in the repository, so each is written as the files it owns,
under a comment naming the rule. Owners without a handle are left out, and a file none of whose owners has one
is written as a comment, so `--check` still notices when a handle is added.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from ..glossary.model import Term
from .owners import Ownership, request_owners

HEADER = (
    "# Written by `python -m bot owners codeowners` from data/owners.yml; do not edit by hand.\n"
    "# Run it again after changing owners.yml (CI runs it with --check).\n"
)


def codeowners_text(ownership: Ownership, terms: Iterable[Term], terms_dir: str = "data/terms") -> str:
    handles = ownership.file.handles
    sections: dict[str, list[str]] = {}
    for term in sorted(terms, key=lambda t: PurePosixPath(t.source_file).name):
        ids = request_owners(ownership, term)
        if not ids:
            continue
        path = f"/{terms_dir.strip('/')}/{PurePosixPath(term.source_file).name}"
        mapped = list(dict.fromkeys(handles[i] for i in ids if i in handles))
        line = f"{path} {' '.join(mapped)}" if mapped else f"# {path}: no owner has a handle in owners.yml"
        owner = ownership.of(term.slug)
        rule = f"{owner.rule} rule" if owner.rule else "category owners"
        sections.setdefault(f"# Owned through a {rule}", []).append(line)
    parts = [HEADER]
    for title in sorted(sections):
        parts.append("\n" + title + "\n" + "\n".join(sections[title]) + "\n")
    return "".join(parts)
