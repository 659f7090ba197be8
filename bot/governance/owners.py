"""Who owns which terms: data/owners.yml, read and checked, and the rule that says whose a term is.

The file's shape is a contract other tools write:

    owners:
      categories: {"Retrieval & RAG": [U012AB3CD, S0ABCDEF]}   # Slack user ids U…/W…, user group ids S…
      roles: {security: [S0SECTEAM]}
      terms: {"fine-tuning": [U045EF6GH]}                     # a term's name, alias or slug
    review_days: {approved: 180, reviewed: 90, draft: 30}
    handles: {U045EF6GH: "@octo-cat", S0SECTEAM: "@org/security"}   # git host logins and teams, for reviews

The most specific rule wins: a term rule, then a role rule, then a category rule. Within one level every
rule that matches counts (a term in two owned categories has both categories' owners). Term rules name a
term by lookup's exact rules (names.NameIndex: name, alias, slug, separators ignored); categories compare
as names do (case, dashes and quotes folded). A missing file means nobody owns anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..glossary.model import ROLE_KEYS, Problem, Severity, Term
from ..glossary.names import NameIndex, normalise
from ..glossary.side_files import parse_side_file
from .intervals import ReviewIntervals, read_review_days

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,30}$")
LEVELS = ("categories", "roles", "terms")
# A GitHub login (@octo-cat) or an organisation's team (@org/security), as CODEOWNERS writes them.
HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?$")


@dataclass(frozen=True)
class OwnersFile:
    """The file as written: each level's rules by the name they give, with the ids in order."""

    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    intervals: ReviewIntervals = field(default_factory=ReviewIntervals)
    path: str = ""
    handles: dict[str, str] = field(default_factory=dict)  # Slack id -> "@login" or "@org/team"

    @property
    def empty(self) -> bool:
        return not (self.categories or self.roles or self.terms)

    def every_id(self) -> tuple[str, ...]:
        ids = [i for level in (self.terms, self.roles, self.categories) for ids in level.values() for i in ids]
        return tuple(dict.fromkeys(ids))


def is_user(owner_id: str) -> bool:
    return bool(USER_ID.match(owner_id))


def is_group(owner_id: str) -> bool:
    return bool(GROUP_ID.match(owner_id))


def load_owners(path: Path) -> tuple[OwnersFile, list[Problem]]:
    """The owners file and its problems. A missing file is no owners and default intervals, and no problem;
    a file with errors is used for what it got right, so one typo does not silence every nudge."""
    owners, problems = read_owners(path)
    return owners or OwnersFile(path=str(path)), problems


def read_owners(path: Path) -> tuple[OwnersFile | None, list[Problem]]:
    """As load_owners, but None when the file cannot be used at all (not YAML, beyond the term files'
    bounds, a value like `2026-13-45` that is not what it looks like): a running bot then keeps the
    version it had. Read by the bounded parser of term files: a few hundred bytes of anchors cannot
    expand into gigabytes, and each problem names the file and its line."""
    name = str(path)
    parsed, problems = parse_side_file(path)
    if parsed is None:
        return (None if problems else OwnersFile(path=name)), problems
    data = parsed.data if parsed.data is not None else {}
    if not isinstance(data, dict):
        message = "must be a mapping with 'owners' and 'review_days' (see README, 'Owners and reviews')"
        return None, [Problem(Severity.ERROR, name, "", message, parsed.line(()))]

    def report(where: str, message: str, severity: Severity = Severity.ERROR) -> None:
        line = parsed.line(tuple(where.split(".", 2)))
        problems.append(Problem(severity, name, _clip(where), message, line))

    for key in data:
        if key not in ("owners", "review_days", "handles"):
            report(str(key), "is not a key of the owners file; use 'owners', 'review_days' and 'handles'")
    owners = data.get("owners") or {}
    levels: dict[str, dict[str, tuple[str, ...]]] = {level: {} for level in LEVELS}
    if not isinstance(owners, dict):
        report("owners", "must be a mapping with categories, roles and terms")
        owners = {}
    for key in owners:
        if key not in LEVELS:
            report(f"owners.{key}", "is not a kind of rule; use categories, roles or terms")
    for level in LEVELS:
        levels[level] = _rules(owners.get(level), f"owners.{level}", report)
    intervals = read_review_days(data.get("review_days"), report)
    handles = _handles(data.get("handles"), report)
    return OwnersFile(levels["categories"], levels["roles"], levels["terms"], intervals, name, handles), problems


def _handles(value: object, report: Callable[..., None]) -> dict[str, str]:
    """`handles:` maps Slack ids to git host logins; a bad entry is reported and left out."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        report("handles", 'must map Slack ids to logins, e.g. {U045EF6GH: "@octo-cat", S0SECTEAM: "@org/security"}')
        return {}
    found: dict[str, str] = {}
    for key, handle in value.items():
        slack_id, text = str(key).strip(), str(handle).strip()
        if not (is_user(slack_id) or is_group(slack_id)):
            report(f"handles.{slack_id[:40]}", "is not a Slack user id (U…, W…) or user group id (S…)")
        elif not HANDLE.match(text):
            report(f"handles.{slack_id}", f"'{text[:40]}' is not a login like @octo-cat or a team like @org/team")
        else:
            found[slack_id] = text
    return found


def _clip(text: str, limit: int = 80) -> str:
    """A name from the file, short enough for one line of `check` or the Home."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rules(value: object, where: str, report: Callable[..., None]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        report(where, "must be a mapping of names to lists of Slack ids")
        return {}
    rules: dict[str, tuple[str, ...]] = {}
    for key, ids in value.items():
        here = f"{where}.{key}"
        if not isinstance(key, str) or not key.strip():
            report(here, "a rule needs a name")
            continue
        if isinstance(ids, str):
            ids = [ids]  # one id written without brackets is still one id
        if not isinstance(ids, list) or not ids:
            report(here, "must list at least one Slack id, e.g. [U012AB3CD]")
            continue
        good = []
        for owner in ids:
            text = str(owner).strip()
            if is_user(text) or is_group(text):
                good.append(text)
            else:
                report(here, f"'{_clip(text, 40)}' is not a Slack user id (U…, W…) or user group id (S…)")
        if good:
            rules[key.strip()] = tuple(dict.fromkeys(good))
    return rules


def check_names(owners: OwnersFile, terms: Iterable[Term], role_keys: Iterable[str] = ROLE_KEYS) -> list[Problem]:
    """Warnings for a category, role or term the file names that the glossary does not have."""
    terms = list(terms)
    index = NameIndex(terms)
    categories = {normalise(c) for t in terms for c in t.categories}
    roles = set(role_keys)
    problems = []
    for category in owners.categories:
        if normalise(category) not in categories:
            message = f"no term has the category '{category}'; check its spelling against the term files"
            problems.append(Problem(Severity.WARNING, owners.path, f"owners.categories.{category}", message))
    for role in owners.roles:
        if role not in roles:
            message = f"'{role}' is not a role; use one of {', '.join(sorted(roles))}"
            problems.append(Problem(Severity.WARNING, owners.path, f"owners.roles.{role}", message))
    for name in owners.terms:
        _, slugs, _ = index.resolve(name)
        if len(slugs) != 1:
            what = "names no term" if not slugs else "could mean several terms"
            message = f"'{name}' {what}; use the term's exact name or slug"
            problems.append(Problem(Severity.WARNING, owners.path, f"owners.terms.{name}", message))
    return problems


@dataclass(frozen=True)
class Owner:
    """Whose a term is, and by which kind of rule: "term", "role", "category", or "" for nobody."""

    ids: tuple[str, ...] = ()
    rule: str = ""


class Ownership:
    """The owners file applied to one glossary: each term's owners, decided once."""

    def __init__(self, owners: OwnersFile, terms: Iterable[Term]):
        self.file = owners
        terms = list(terms)
        index = NameIndex(terms)
        by_term: dict[str, list[str]] = {}
        for name, ids in owners.terms.items():
            _, slugs, _ = index.resolve(name)
            if len(slugs) == 1:  # an ambiguous name owns nothing: check warns about it
                by_term.setdefault(slugs[0], []).extend(ids)
        categories: dict[str, list[str]] = {}
        for name, ids in owners.categories.items():
            categories.setdefault(normalise(name), []).extend(ids)
        self._categories = {k: tuple(dict.fromkeys(v)) for k, v in categories.items()}
        self._owners = {t.slug: self._decide(t, by_term, owners.roles) for t in terms}

    def _decide(self, term: Term, by_term: Mapping[str, list[str]], roles: Mapping[str, tuple[str, ...]]) -> Owner:
        if term.slug in by_term:
            return Owner(tuple(dict.fromkeys(by_term[term.slug])), "term")
        from_roles = [i for r in term.roles for i in roles.get(r, ())]
        if from_roles:
            return Owner(tuple(dict.fromkeys(from_roles)), "role")
        from_categories = [i for c in term.categories for i in self._categories.get(normalise(c), ())]
        if from_categories:
            return Owner(tuple(dict.fromkeys(from_categories)), "category")
        return Owner()

    def of(self, slug: str) -> Owner:
        return self._owners.get(slug, Owner())

    def category_owners(self, categories: Iterable[str]) -> tuple[str, ...]:
        """Whoever a category rule names for any of these categories (for requests and feedback about a term)."""
        ids = [i for c in categories for i in self._categories.get(normalise(c), ())]
        return tuple(dict.fromkeys(ids))

    def slugs_owned_by(self, user_id: str, members: Callable[[str], Iterable[str]]) -> list[str]:
        """The terms a person owns, directly or through a user group they are in."""
        return [slug for slug, owner in self._owners.items() if holds(user_id, owner.ids, members)]


def holds(user_id: str, ids: Iterable[str], members: Callable[[str], Iterable[str]]) -> bool:
    """Whether a person is one of these ids or a member of one of these user groups."""
    ids = tuple(ids)
    if user_id in ids:
        return True
    return any(user_id in set(members(g)) for g in ids if is_group(g))


def expand(ids: Iterable[str], members: Callable[[str], Iterable[str]]) -> list[str]:
    """Every person these ids name: users as they are, groups by their members, each person once."""
    people: list[str] = []
    for owner in ids:
        found = members(owner) if is_group(owner) else (owner,)
        people += [p for p in found if is_user(p)]
    return list(dict.fromkeys(people))


def request_owners(ownership: Ownership | None, term: Term | None) -> tuple[str, ...]:
    """Who answers for a request about a term: the term's owners, and the owners of its categories.
    A new-term request names no term, hence no category, so it has no owners until it is published."""
    if ownership is None or term is None:
        return ()
    return tuple(dict.fromkeys((*ownership.of(term.slug).ids, *ownership.category_owners(term.categories))))


def may_act(
    user_id: str, reviewers: Iterable[str], owners: Iterable[str], members: Callable[[str], Iterable[str]]
) -> bool:
    """Who may triage a request or verify a term: every reviewer, and the owners that request_owners names
    for it (owners are reviewers for their terms and categories)."""
    return holds(user_id, reviewers, members) or holds(user_id, owners, members)
