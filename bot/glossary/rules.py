"""The rules of one term file, as the glossary format states them.

Structure, types and allowed values are errors: the term cannot be shown correctly without them, so the
file is not loaded. Lengths and counts outside the style guide are warnings: the text is still worth
showing, and the editor still hears about it. Every message names the field and says what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .model import LICENSE, PARTS_OF_SPEECH, RELATION_KINDS, ROLE_KEYS, STATUSES, Problem, Severity
from .names import normalise
from .parse import FieldPath, ParsedFile

KEYS = (
    "term",
    "aliases",
    "categories",
    "roles",
    "part_of_speech",
    "short_def",
    "long_def",
    "audiences",
    "examples",
    "governance",
    "relationships",
    "citations",
    "license",
    "status",
    "last_reviewed",
)
PLACEHOLDER = "TODO"  # what the draft writer (bot/drafts.py) puts where a human must write
SHORT_DEF_MAX_CHARS = 320
SHORT_DEF_MAX_WORDS = 40
LONG_DEF_WORDS = (80, 220)
# A term's name goes where Slack counts characters: the card's header (150), the value of a triage
# picker's option (150, with a short prefix), buttons and option labels (75, where it is shortened with
# "…"), and button values (2,000, with the card's other state). The request form caps a requested term
# at 100 (term_requests.rules.TERM_MAX), so every term someone can ask for can also ship under that name;
# 100 fits every limit above with room to spare, and no real glossary name comes near it.
NAME_MAX_CHARS = 100


def _field(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _type_name(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a set"
    return "text"


class _Checker:
    def __init__(self, pf: ParsedFile):
        self.pf = pf
        self.problems: list[Problem] = []

    def report(self, path: FieldPath, message: str, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(severity, self.pf.name, _field(path), message, self.pf.line(path)))

    def text(self, path: FieldPath, value: object) -> bool:
        if not isinstance(value, str):
            self.report(path, f"must be text, but is {_type_name(value)}")
            return False
        if not value.strip():
            self.report(path, "is empty; write the text")
            return False
        if value.lstrip().startswith(PLACEHOLDER + ":"):
            # A draft's placeholder: the term must not be served until someone has written this.
            self.report(path, f"is still a placeholder ({value.strip()[:80]}); write it")
            return False
        return True

    def text_list(self, path: FieldPath, value: object, *, unique: bool = False, minimum: int = 1) -> list[str]:
        if value is None and minimum == 0:
            return []
        if not isinstance(value, list):
            self.report(path, f"must be a list, but is {_type_name(value)}; write one '- item' per line")
            return []
        if len(value) < minimum:
            self.report(path, f"needs at least {minimum} item{'s' if minimum > 1 else ''}")
        good = [v for i, v in enumerate(value) if self.text((*path, i), v)]
        if unique:
            seen: set[str] = set()
            for i, v in enumerate(value):
                if isinstance(v, str):
                    key = normalise(v)
                    if key in seen:
                        self.report((*path, i), f"'{v}' is listed twice; keep one")
                    seen.add(key)
        return good

    def mapping(
        self,
        path: FieldPath,
        value: object,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        allow_empty: bool = False,
    ) -> dict[Any, Any]:
        if value is None and allow_empty:
            return {}
        if not isinstance(value, dict):
            keys = " and ".join(required + optional)
            self.report(path, f"must be a mapping with {keys}, but is {_type_name(value)}")
            return {}
        for key in required:
            if key not in value:
                self.report((*path, key), "is missing; every term needs it")
        for key in value:
            if key not in required + optional:
                allowed = ", ".join(required + optional)
                self.report((*path, key), f"is not a field the glossary knows; the allowed ones are {allowed}")
        return value


def check_term(pf: ParsedFile) -> list[Problem]:
    """Every problem of one parsed term file, in the order of its fields."""
    c = _Checker(pf)
    d = pf.data
    if not isinstance(d, dict):
        c.report((), f"the file must hold one mapping of the {len(KEYS)} term fields, but holds {_type_name(d)}")
        return c.problems
    c.mapping((), d, KEYS)
    for key, check in _FIELD_CHECKS:
        if key in d:
            check(c, d[key])
    return c.problems


def _check_term_name(c: _Checker, value: object) -> None:
    if c.text(("term",), value) and len(str(value).strip()) > NAME_MAX_CHARS:
        c.report(
            ("term",),
            f"has {len(str(value).strip())} characters; a term name may have at most {NAME_MAX_CHARS}, so it fits "
            "Slack's limits on headers, buttons and pickers and the request form; put the longer wording in short_def",
        )


def _check_aliases(c: _Checker, value: object) -> None:
    c.text_list(("aliases",), value, unique=True)
    for i, alias in enumerate(value if isinstance(value, list) else ()):
        if isinstance(alias, str) and len(alias.strip()) > NAME_MAX_CHARS:
            # Nothing in Slack breaks on a long alias (the card shortens the list), but nobody types it either.
            c.report(
                ("aliases", i),
                f"has {len(alias.strip())} characters; an alias is a name people type, at most {NAME_MAX_CHARS}",
                Severity.WARNING,
            )


def _check_categories(c: _Checker, value: object) -> None:
    c.text_list(("categories",), value)


def _check_roles(c: _Checker, value: object) -> None:
    c.text_list(("roles",), value, unique=True)
    for i, role in enumerate(value if isinstance(value, list) else ()):
        if isinstance(role, str) and role.strip() and role not in ROLE_KEYS:
            c.report(("roles", i), f"'{role}' is not a role; use one of {', '.join(ROLE_KEYS)}")


def _check_part_of_speech(c: _Checker, value: object) -> None:
    if c.text(("part_of_speech",), value) and value not in PARTS_OF_SPEECH:
        c.report(("part_of_speech",), f"'{value}' is not allowed; use one of {', '.join(PARTS_OF_SPEECH)}")


def _check_short_def(c: _Checker, value: object) -> None:
    if not c.text(("short_def",), value):
        return
    text = str(value).strip()
    if len(text) > SHORT_DEF_MAX_CHARS:
        c.report(
            ("short_def",),
            f"has {len(text)} characters; the glossary asks for at most {SHORT_DEF_MAX_CHARS}",
            Severity.WARNING,
        )
    words = len(text.split())
    if words > SHORT_DEF_MAX_WORDS:
        c.report(
            ("short_def",),
            f"has {words} words; the glossary asks for at most {SHORT_DEF_MAX_WORDS}",
            Severity.WARNING,
        )


def _check_long_def(c: _Checker, value: object) -> None:
    if not c.text(("long_def",), value):
        return
    words = len(str(value).split())
    low, high = LONG_DEF_WORDS
    if not low <= words <= high:
        c.report(("long_def",), f"has {words} words; the glossary asks for {low} to {high}", Severity.WARNING)


def _check_audiences(c: _Checker, value: object) -> None:
    audiences = c.mapping(("audiences",), value, ("exec", "engineer"))
    for key in ("exec", "engineer"):
        if key in audiences:
            c.text(("audiences", key), audiences[key])


def _check_examples(c: _Checker, value: object) -> None:
    examples = c.mapping(("examples",), value, ("do", "dont"))
    for key in ("do", "dont"):
        if key in examples:
            c.text_list(("examples", key), examples[key])


def _check_governance(c: _Checker, value: object) -> None:
    gov = c.mapping(("governance",), value, (), ("nist_rmf_tags", "risk_notes"), allow_empty=True)
    if "nist_rmf_tags" in gov:
        c.text_list(("governance", "nist_rmf_tags"), gov["nist_rmf_tags"], unique=True)
    if "risk_notes" in gov and not isinstance(gov["risk_notes"], str):
        c.report(("governance", "risk_notes"), f"must be text, but is {_type_name(gov['risk_notes'])}")


def _check_relationships(c: _Checker, value: object) -> None:
    rel = c.mapping(("relationships",), value, (), RELATION_KINDS, allow_empty=True)
    for kind in RELATION_KINDS:
        if kind in rel:
            c.text_list(("relationships", kind), rel[kind], unique=True, minimum=0)


def _check_license(c: _Checker, value: object) -> None:
    if value != LICENSE:
        c.report(("license",), f"must be '{LICENSE}', the only licence the glossary allows")


def _check_status(c: _Checker, value: object) -> None:
    if value not in STATUSES:
        c.report(("status",), f"'{value}' is not a status; use one of {', '.join(STATUSES)}")


def _check_citations(c: _Checker, value: object) -> None:
    if not isinstance(value, list) or not value:
        c.report(("citations",), "needs at least 1 citation, each with a source and a url")
        return
    for i, cite in enumerate(value):
        cite = c.mapping(("citations", i), cite, ("source", "url"))
        if "source" in cite:
            c.text(("citations", i, "source"), cite["source"])
        if "url" in cite and c.text(("citations", i, "url"), cite["url"]):
            parts = urlsplit(cite["url"].strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                c.report(
                    ("citations", i, "url"),
                    f"'{cite['url']}' is not an absolute http(s) URL; write it in full, starting with https://",
                )


def _check_date(c: _Checker, value: object) -> None:
    path = ("last_reviewed",)
    if isinstance(value, dt.date):
        c.report(
            path,
            f"is an unquoted date; write it as a string, '{value.isoformat()}', so every YAML tool reads it the same",
            Severity.WARNING,
        )
        return
    if not c.text(path, value) or not isinstance(value, str):
        return
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        c.report(path, f"'{value}' is not a date; write it as 'YYYY-MM-DD'")


# One check per field, in the order the glossary format lists the fields (and the problems read).
_FIELD_CHECKS: tuple[tuple[str, Callable[[_Checker, Any], None]], ...] = (
    ("term", _check_term_name),
    ("aliases", _check_aliases),
    ("categories", _check_categories),
    ("roles", _check_roles),
    ("part_of_speech", _check_part_of_speech),
    ("short_def", _check_short_def),
    ("long_def", _check_long_def),
    ("audiences", _check_audiences),
    ("examples", _check_examples),
    ("governance", _check_governance),
    ("relationships", _check_relationships),
    ("citations", _check_citations),
    ("license", _check_license),
    ("status", _check_status),
    ("last_reviewed", _check_date),
)
