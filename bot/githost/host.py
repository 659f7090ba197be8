"""What the pull request flows need from a git host, and how its failures are told apart.

A GitLab client can implement the same protocol later. Errors come in three kinds, because the outbox treats them
differently: `HostBusy` (try again after a wait: a 5xx, a timeout, a lost connection), `RateLimited` (try again
after the host's own reset time), and `HostRefused` (a 4xx that a second try cannot fix: a missing permission, a
branch protected against the bot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class HostError(Exception):
    """Something went wrong talking to the git host; the message says what, in one line."""


class HostBusy(HostError):
    """A try that may work later: a 5xx, a timeout, a lost connection."""


class RateLimited(HostError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds until the host's limit resets


class HostRefused(HostError):
    """A refusal no retry fixes (401, 403 without a rate limit, 404, 422): the message names the fix."""


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    branch: str
    state: str  # "open" or "closed" as the host says it
    merged: bool = False
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewPull:
    """One pull request to open: its branch, its files (repository path -> full new text), who reviews it."""

    branch: str
    title: str
    body: str
    message: str  # the commit message
    files: Mapping[str, str]
    reviewers: Sequence[str] = ()  # logins, without "@"
    team_reviewers: Sequence[str] = ()  # team slugs of the repository's organisation, without "org/"
    labels: Sequence[str] = field(default=("glossary",))


class GitHost(Protocol):
    """The calls a glossary pull request is made of. Every call may raise a HostError."""

    def read_file(self, path: str, ref: str) -> str | None:
        """The file's text at a branch or commit; None when it does not exist there."""
        ...

    def branch_head(self, branch: str) -> str | None:
        """The commit a branch points at; None when there is no such branch."""
        ...

    def create_branch(self, branch: str, from_sha: str) -> None: ...

    def commit_files(self, branch: str, files: Mapping[str, str], message: str) -> str:
        """One commit on the branch writing every file; returns the new commit's sha."""
        ...

    def find_pull(self, branch: str) -> PullRequest | None:
        """The pull request whose head is this branch (the newest, in any state); None when there is none."""
        ...

    def open_pull(self, branch: str, base: str, title: str, body: str) -> PullRequest: ...

    def request_review(self, number: int, reviewers: Sequence[str], team_reviewers: Sequence[str]) -> None: ...

    def add_labels(self, number: int, labels: Sequence[str]) -> None: ...

    def get_pull(self, number: int) -> PullRequest: ...

    def latest_reviews(self, number: int) -> Mapping[str, str]:
        """Each reviewer's login -> the state of their latest deciding review ("approved", "changes_requested"
        or "dismissed"); comments are not decisions and are left out."""
        ...
