"""What each kind of change's pull request holds: its branch, files, title, body and reviewers.

The branch is derived from the change (glossary/request-12, glossary/change-7, glossary/verified-<digest>), so the
same change always lands on the same branch and a retry finds what an earlier try made. The body names the request
and the people who asked by their Slack names (the caller resolves them; an id never reaches the host) and is
written so that nothing typed in Slack mentions anyone on the host or injects markup.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..glossary.model import Term
from ..governance.owners import OwnersFile
from ..term_requests.rules import TermRequest

NameOf = Callable[[str], str]  # a Slack user id -> the name people know them by
FOOTER = "\n\n---\nOpened by the glossary bot from Slack. Merging ships it: the people who asked are told in Slack."


@dataclass(frozen=True)
class Change:
    """One pull request to ask for; stored as the outbox letter's payload (as_payload)."""

    kind: str  # request | change | verified
    branch: str
    title: str
    body: str
    files: Mapping[str, str]
    reviewers: Sequence[str] = ()
    team_reviewers: Sequence[str] = ()
    request_id: int | None = None
    new_files: Sequence[str] = field(default=())  # paths that must not exist on the base branch yet
    # path -> sha256 of the text the change was written against: the base branch must hold exactly that, or the
    # pull request's diff would not be the change that was asked for
    based_on: Mapping[str, str] = field(default_factory=dict)

    def as_payload(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "branch": self.branch,
            "title": self.title,
            "body": self.body,
            "message": self.title,
            "files": dict(self.files),
            "reviewers": list(self.reviewers),
            "team_reviewers": list(self.team_reviewers),
            "labels": ["glossary"],
            "new_files": list(self.new_files),
            "based_on": dict(self.based_on),
        }


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe(text: str, limit: int = 2000) -> str:
    """Slack text as inert Markdown on the host: no HTML, no @mention that pings someone, one paragraph."""
    flat = " ".join(text.split())[:limit]
    return html.escape(flat, quote=False).replace("@", "@\u200b").replace("#", "#\u200b")


def reviewers_for(owner_ids: Iterable[str], owners: OwnersFile) -> tuple[list[str], list[str]]:
    """Owners' handles from owners.yml split into logins and team slugs; owners with no handle are left out."""
    logins: list[str] = []
    teams: list[str] = []
    for owner in owner_ids:
        handle = owners.handles.get(owner, "")
        if "/" in handle:
            teams.append(handle.partition("/")[2])
        elif handle:
            logins.append(handle.removeprefix("@"))
    return list(dict.fromkeys(logins)), list(dict.fromkeys(teams))


def _people(request: TermRequest, name_of: NameOf) -> str:
    asked = [] if request.anonymous else [name_of(request.requester)]
    asked += [name_of(v) for v in request.voters if v != request.requester]
    if request.anonymous:
        asked.append("someone who asked not to be named")
    return ", ".join(safe(n, 80) for n in dict.fromkeys(asked)) or "nobody in Slack"


def repo_path(terms_dir: str, file_name: str) -> str:
    return f"{terms_dir.strip('/')}/{file_name}"


def for_request(
    request: TermRequest,
    draft: str,
    file_name: str,
    terms_dir: str,
    reviewers: tuple[list[str], list[str]],
    name_of: NameOf,
) -> Change:
    """An approved new-term request: its draft file (term_requests/drafts.py) on glossary/request-<id>."""
    path = repo_path(terms_dir, file_name)
    lines = [
        f"Adds a draft of **{safe(request.term, 100)}**, from term request #{request.id}.",
        "",
        f"**Asked for by:** {_people(request, name_of)} ({request.votes} in all)",
        f"**Why it matters:** {safe(request.why)}",
    ]
    if request.links:
        lines.append("**Links:** " + " ".join(f"<{safe(u, 300)}>" for u in request.links[:10]))
    lines += ["", f"`{path}` has `TODO` placeholders: write them and run `python -m bot check` before merging."]
    return Change(
        kind="request",
        branch=f"glossary/request-{request.id}",
        title=f"Add {' '.join(request.term.split())[:80]} (term request #{request.id})",
        body="\n".join(lines) + FOOTER,
        files={path: draft},
        reviewers=reviewers[0],
        team_reviewers=reviewers[1],
        request_id=request.id,
        new_files=(path,),
    )


def for_suggestion(
    request: TermRequest | None,
    term: Term,
    old_text: str,
    new_text: str,
    terms_dir: str,
    reviewers: tuple[list[str], list[str]],
    name_of: NameOf,
    suggested_by: str,
) -> Change:
    """A suggested change: the term's file replaced by exactly the text the reviewer wrote."""
    path = repo_path(terms_dir, PurePosixPath(term.source_file).name)
    short = digest(new_text)[:8]
    branch = f"glossary/change-{request.id}" if request else f"glossary/edit-{term.slug[:60]}-{short}"
    lines = [f"Changes **{safe(term.term, 100)}** as suggested in Slack by {safe(name_of(suggested_by), 80)}."]
    if request:
        lines += [
            f"From change request #{request.id}, asked for by {_people(request, name_of)}.",
            f"**What they said:** {safe(request.why)}",
        ]
    return Change(
        kind="change",
        branch=branch,
        title=f"Update {term.term[:80]}" + (f" (change request #{request.id})" if request else ""),
        body="\n".join(lines) + FOOTER,
        files={path: new_text},
        reviewers=reviewers[0],
        team_reviewers=reviewers[1],
        request_id=request.id if request else None,
        based_on={path: digest(old_text)},
    )


@dataclass(frozen=True)
class Verified:
    term: Term
    before: str  # the file as the bot reads it
    text: str  # the file with last_reviewed rewritten (governance.writeback.set_last_reviewed)
    day: str
    by: str  # a Slack user id


def for_verifications(
    verified: Sequence[Verified], terms_dir: str, reviewers: tuple[list[str], list[str]], name_of: NameOf
) -> Change:
    """A batch of "Still accurate": only last_reviewed lines change, one per term. The branch is the batch's
    digest, so the same batch asked for twice is one pull request, and a later batch a new one."""
    ordered = sorted(verified, key=lambda v: v.term.slug)
    batch = digest("\n".join(f"{v.term.slug}={v.day}" for v in ordered))[:10]
    lines = ["Terms their owners confirmed as still accurate in Slack; only `last_reviewed` changes.", ""]
    lines += [f"- **{safe(v.term.term, 100)}**: {v.day}, by {safe(name_of(v.by), 80)}" for v in ordered]
    paths = {repo_path(terms_dir, PurePosixPath(v.term.source_file).name): v.text for v in ordered}
    based_on = {repo_path(terms_dir, PurePosixPath(v.term.source_file).name): digest(v.before) for v in ordered}
    return Change(
        kind="verified",
        branch=f"glossary/verified-{batch}",
        title=f"Record {len(ordered)} review{'s' if len(ordered) != 1 else ''} from Slack",
        body="\n".join(lines) + FOOTER,
        files=paths,
        reviewers=reviewers[0],
        team_reviewers=reviewers[1],
        based_on=based_on,
    )
