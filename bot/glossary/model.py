"""What a glossary term is, once loaded: plain frozen values that every other layer reads."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Framing(StrEnum):
    """The two audience-tailored texts every term carries."""

    EXEC = "exec"
    ENGINEER = "engineer"

    @property
    def label(self) -> str:
        return "For executives" if self is Framing.EXEC else "For engineers"

    def other(self) -> Framing:
        return Framing.ENGINEER if self is Framing.EXEC else Framing.EXEC

    @classmethod
    def parse(cls, value: object) -> Framing | None:
        """The framing a stored or typed value names, or None for anything else."""
        return cls(value) if isinstance(value, str) and value in cls._value2member_map_ else None


class TermStatus(StrEnum):
    """Where a term stands in review (the `status` field of a term file)."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    DEPRECATED = "deprecated"


class RelationKind(StrEnum):
    """How a term relates to another it names (the keys of `relationships`)."""

    BROADER = "broader"
    NARROWER = "narrower"
    RELATED = "related"


class Severity(StrEnum):
    """An error keeps a file out of the glossary; a warning lets it in."""

    ERROR = "error"
    WARNING = "warning"


class LookupStatus(StrEnum):
    """What a lookup found."""

    HIT = "hit"
    AMBIGUOUS = "ambiguous"  # several terms share the name or alias
    SUGGESTIONS = "suggestions"  # close spellings, or terms whose text mentions the words
    COMPARISON = "comparison"  # "X vs Y": two terms side by side
    MISS = "miss"


class MatchHow(StrEnum):
    """Which rule found the terms, in precedence order; NONE when nothing did."""

    NONE = ""
    NAME = "name"
    ALIAS = "alias"
    SQUASHED = "squashed"  # separators removed: "finetuning" for "fine-tuning"
    FUZZY = "fuzzy"
    VARIANT = "variant"  # an inflection or British spelling of a name or alias: "quantised", "LLMs"
    ACRONYM = "acronym"  # the initials of a name the file does not list: "KV", "CoT"
    SEARCH = "search"
    MEANING = "meaning"  # terms whose text means what was described, found by the meaning lane
    QUESTION = "question"  # a term named inside a question, or the two terms of a comparison


ROLE_KEYS = ("product", "engineering", "data_science", "policy", "legal", "security", "communications")
PARTS_OF_SPEECH = ("noun", "noun_phrase", "verb", "adjective", "process", "concept")
STATUSES: tuple[TermStatus, ...] = tuple(TermStatus)
# What a card says about each status, in words a reader of the card understands.
TERM_STATUS_LABELS: dict[TermStatus, str] = {
    TermStatus.DRAFT: "Draft: not reviewed yet",
    TermStatus.REVIEWED: "Reviewed",
    TermStatus.APPROVED: "Approved",
    TermStatus.DEPRECATED: "Deprecated: do not use this term in new work",
}
RELATION_KINDS: tuple[RelationKind, ...] = tuple(RelationKind)
LICENSE = "CC BY-SA 4.0"


def slugify(name: str) -> str:
    """The glossary's own slug rule: lower-case, spaces and underscores to hyphens, runs collapsed."""
    slug = re.sub(r"[\s_]+", "-", name.strip().lower())
    return re.sub(r"-{2,}", "-", slug)


def one_line(text: str) -> str:
    """The text with control and invisible formatting characters written as escapes (\\n, \\x1b, \\u202e).

    For terminals and logs: a newline cannot start a fake line, an escape sequence cannot recolour the
    screen, and a right-to-left override cannot reorder what a reviewer reads.
    """
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _HIDDEN else ch for ch in text
    )


_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    url: str


@dataclass(frozen=True, slots=True)
class Relation:
    """A link to another term by name. `slug` is the resolved target, or None when it names no term.

    `derived` marks the other half of a one-sided link: the target's file names this term and this term's
    file does not name it back; the loader adds it so both cards show the link, and nothing writes it to a file.
    """

    kind: RelationKind
    target: str
    slug: str | None = None
    derived: bool = False


@dataclass(frozen=True, slots=True)
class Term:
    slug: str
    term: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]
    roles: tuple[str, ...]
    part_of_speech: str
    short_def: str
    long_def: str
    exec_framing: str
    engineer_framing: str
    examples_do: tuple[str, ...]
    examples_dont: tuple[str, ...]
    nist_tags: tuple[str, ...] = ()
    risk_notes: str = ""
    relations: tuple[Relation, ...] = ()
    citations: tuple[Citation, ...] = ()
    license: str = LICENSE
    status: TermStatus = TermStatus.APPROVED
    last_reviewed: str = ""
    source_file: str = ""

    def framing(self, which: Framing) -> str:
        return self.exec_framing if which is Framing.EXEC else self.engineer_framing

    def related(self, kind: RelationKind) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.kind == kind)

    def word_lane_prose(self) -> tuple[str, ...]:
        """The prose the word lane reads of a term beside its names: its definitions, framings and examples of
        good use (the ranker's whole-text stems, and the everyday names its text gives, said_names.py)."""
        return (self.short_def, self.long_def, self.exec_framing, self.engineer_framing, *self.examples_do)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a glossary file, in words its editor understands.

    An error keeps the file out of the glossary; a warning lets it in.
    """

    severity: Severity
    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        """One line, always: a file name or a value with a newline cannot fake another problem's line."""
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" {self.field}:" if self.field else ""
        return one_line(f"{where}: {self.severity}:{what} {self.message}")

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "field": self.field, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    takeaway: str


@dataclass
class LoadResult:
    terms: list[Term] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.WARNING]
