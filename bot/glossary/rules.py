"""The rules of one term file, as the glossary format states them.

Structure, types and allowed values are errors: the term cannot be shown correctly without them, so the
file is not loaded. Lengths and counts outside the style guide are warnings: the text is still worth
showing, and the editor still hears about it. Every message names the field and says what to do.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .lookup import normalise
from .model import LICENSE, PARTS_OF_SPEECH, RELATION_KINDS, ROLE_KEYS, STATUSES, Problem

if TYPE_CHECKING:
    from .load import ParsedFile

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


def _field(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _type_name(value) -> str:
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
    return "text"


class _Checker:
    def __init__(self, pf: ParsedFile):
        self.pf = pf
        self.problems: list[Problem] = []

    def report(self, path: tuple, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(severity, self.pf.name, _field(path), message, self.pf.line(path)))

    def text(self, path: tuple, value) -> bool:
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

    def text_list(self, path: tuple, value, *, unique: bool = False, minimum: int = 1) -> list[str]:
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

    def mapping(self, path: tuple, value, required: tuple, optional: tuple = (), *, allow_empty: bool = False) -> dict:
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
    c = _Checker(pf)
    d = pf.data
    if not isinstance(d, dict):
        c.report((), f"the file must hold one mapping of the {len(KEYS)} term fields, but holds {_type_name(d)}")
        return c.problems
    c.mapping((), d, KEYS)

    if "term" in d:
        c.text(("term",), d["term"])
    if "aliases" in d:
        c.text_list(("aliases",), d["aliases"], unique=True)
    if "categories" in d:
        c.text_list(("categories",), d["categories"])
    if "roles" in d:
        c.text_list(("roles",), d["roles"], unique=True)
        for i, role in enumerate(d["roles"] if isinstance(d["roles"], list) else ()):
            if isinstance(role, str) and role.strip() and role not in ROLE_KEYS:
                c.report(("roles", i), f"'{role}' is not a role; use one of {', '.join(ROLE_KEYS)}")
    pos = d.get("part_of_speech")
    if "part_of_speech" in d and c.text(("part_of_speech",), pos) and pos not in PARTS_OF_SPEECH:
        c.report(("part_of_speech",), f"'{pos}' is not allowed; use one of {', '.join(PARTS_OF_SPEECH)}")
    if "short_def" in d and c.text(("short_def",), d["short_def"]):
        text = d["short_def"].strip()
        if len(text) > SHORT_DEF_MAX_CHARS:
            c.report(
                ("short_def",),
                f"has {len(text)} characters; the glossary asks for at most {SHORT_DEF_MAX_CHARS}",
                "warning",
            )
        words = len(text.split())
        if words > SHORT_DEF_MAX_WORDS:
            c.report(
                ("short_def",), f"has {words} words; the glossary asks for at most {SHORT_DEF_MAX_WORDS}", "warning"
            )
    if "long_def" in d and c.text(("long_def",), d["long_def"]):
        words = len(d["long_def"].split())
        low, high = LONG_DEF_WORDS
        if not low <= words <= high:
            c.report(("long_def",), f"has {words} words; the glossary asks for {low} to {high}", "warning")
    if "audiences" in d:
        audiences = c.mapping(("audiences",), d["audiences"], ("exec", "engineer"))
        for key in ("exec", "engineer"):
            if key in audiences:
                c.text(("audiences", key), audiences[key])
    if "examples" in d:
        examples = c.mapping(("examples",), d["examples"], ("do", "dont"))
        for key in ("do", "dont"):
            if key in examples:
                c.text_list(("examples", key), examples[key])
    if "governance" in d:
        gov = c.mapping(("governance",), d["governance"], (), ("nist_rmf_tags", "risk_notes"), allow_empty=True)
        if "nist_rmf_tags" in gov:
            c.text_list(("governance", "nist_rmf_tags"), gov["nist_rmf_tags"], unique=True)
        if "risk_notes" in gov and not isinstance(gov["risk_notes"], str):
            c.report(("governance", "risk_notes"), f"must be text, but is {_type_name(gov['risk_notes'])}")
    if "relationships" in d:
        rel = c.mapping(("relationships",), d["relationships"], (), RELATION_KINDS, allow_empty=True)
        for kind in RELATION_KINDS:
            if kind in rel:
                c.text_list(("relationships", kind), rel[kind], unique=True, minimum=0)
    if "citations" in d:
        _check_citations(c, d["citations"])
    if "license" in d and d["license"] != LICENSE:
        c.report(("license",), f"must be '{LICENSE}', the only licence the glossary allows")
    if "status" in d and d["status"] not in STATUSES:
        c.report(("status",), f"'{d['status']}' is not a status; use one of {', '.join(STATUSES)}")
    if "last_reviewed" in d:
        _check_date(c, d["last_reviewed"])
    return c.problems


def _check_citations(c: _Checker, value) -> None:
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


def _check_date(c: _Checker, value) -> None:
    path = ("last_reviewed",)
    if isinstance(value, dt.date):
        c.report(
            path,
            f"is an unquoted date; write it as a string, '{value.isoformat()}', so every YAML tool reads it the same",
            "warning",
        )
        return
    if not c.text(path, value):
        return
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        c.report(path, f"'{value}' is not a date; write it as 'YYYY-MM-DD'")
