"""The GitHub implementation of GitHost, on githubkit (typed, sync and async, a custom base URL for tests).

githubkit handles the authentication (a fine-grained token, or a GitHub App's installation token it mints and
renews from the app's private key) and tells rate limits apart from other refusals. Its own retries are off: a
wait belongs to the outbox, which puts the letter back with a due time instead of holding a thread.
Responses are read as plain JSON, not through githubkit's models, so a field GitHub adds or drops never fails a try.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from githubkit import AppInstallationAuthStrategy, GitHub, TokenAuthStrategy
from githubkit.exception import GitHubException, RateLimitExceeded, RequestFailed, RequestTimeout

from .host import HostBusy, HostRefused, PullRequest, RateLimited

DEFAULT_API_URL = "https://api.github.com/"


class GitHubHost:
    def __init__(
        self,
        repo: str,
        *,
        token: str = "",
        app_id: str = "",
        private_key: str = "",
        installation_id: int = 0,
        api_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        owner, _, name = repo.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"GITHUB_REPO must be owner/name, such as acme/glossary, not {repo!r}")
        self.owner, self.name = owner, name
        auth: Any = (
            TokenAuthStrategy(token) if token else AppInstallationAuthStrategy(app_id, private_key, installation_id)
        )
        self.github: GitHub[Any] = GitHub(
            auth, base_url=api_url or DEFAULT_API_URL, timeout=timeout, auto_retry=False, http_cache=False
        )
        self.repo_path = f"repos/{quote(owner)}/{quote(name)}"

    # --- one call, its failures sorted -----------------------------------------------------------

    def _call(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        """The JSON answer; None for a 404 when missing_ok. Raises HostBusy, RateLimited or HostRefused."""
        where = f"{method} {path}"
        try:
            return self.github.request(method, f"{self.repo_path}/{path}", **kwargs).json()
        except RateLimitExceeded as exc:
            raise RateLimited(f"GitHub rate limit reached on {where}", exc.retry_after.total_seconds()) from None
        except RequestFailed as exc:
            status = exc.response.status_code
            if status == 404 and missing_ok:
                return None
            if status >= 500:
                raise HostBusy(f"GitHub answered {status} to {where}") from None
            raise HostRefused(f"GitHub refused {where} with {status}: {_message(exc)}") from None
        except RequestTimeout:
            raise HostBusy(f"GitHub did not answer {where} in time") from None
        except GitHubException as exc:  # a lost connection, a refused one, an expired app token
            raise HostBusy(f"GitHub could not be reached for {where} ({type(exc).__name__})") from None

    # --- the GitHost protocol --------------------------------------------------------------------

    def read_file(self, path: str, ref: str) -> str | None:
        found = self._call("GET", f"contents/{quote(path)}", params={"ref": ref}, missing_ok=True)
        if found is None:
            return None
        return base64.b64decode(found.get("content") or "").decode("utf-8")

    def branch_head(self, branch: str) -> str | None:
        found = self._call("GET", f"git/ref/heads/{quote(branch)}", missing_ok=True)
        return None if found is None else str(found["object"]["sha"])

    def create_branch(self, branch: str, from_sha: str) -> None:
        self._call("POST", "git/refs", json={"ref": f"refs/heads/{branch}", "sha": from_sha})

    def commit_files(self, branch: str, files: Mapping[str, str], message: str) -> str:
        head = self.branch_head(branch)
        if head is None:
            raise HostRefused(f"branch {branch} is gone from {self.owner}/{self.name}")
        parent = self._call("GET", f"git/commits/{head}")
        entries = [{"path": p, "mode": "100644", "type": "blob", "content": text} for p, text in files.items()]
        tree = self._call("POST", "git/trees", json={"base_tree": parent["tree"]["sha"], "tree": entries})
        commit = self._call("POST", "git/commits", json={"message": message, "tree": tree["sha"], "parents": [head]})
        self._call("PATCH", f"git/refs/heads/{quote(branch)}", json={"sha": commit["sha"], "force": False})
        return str(commit["sha"])

    def find_pull(self, branch: str) -> PullRequest | None:
        found = self._call("GET", "pulls", params={"head": f"{self.owner}:{branch}", "state": "all", "per_page": 10})
        pulls = sorted(found or (), key=lambda p: int(p["number"]), reverse=True)
        return _pull(pulls[0]) if pulls else None

    def open_pull(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        made = self._call("POST", "pulls", json={"title": title, "head": branch, "base": base, "body": body})
        return _pull(made)

    def request_review(self, number: int, reviewers: Sequence[str], team_reviewers: Sequence[str]) -> None:
        if reviewers or team_reviewers:
            wanted = {"reviewers": list(reviewers), "team_reviewers": list(team_reviewers)}
            self._call("POST", f"pulls/{number}/requested_reviewers", json=wanted)

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        if labels:
            self._call("POST", f"issues/{number}/labels", json={"labels": list(labels)})

    def get_pull(self, number: int) -> PullRequest:
        return _pull(self._call("GET", f"pulls/{number}"))

    def latest_reviews(self, number: int) -> Mapping[str, str]:
        # Oldest first, as GitHub lists them; 100 a page is more reviews than a glossary change gathers.
        found = self._call("GET", f"pulls/{number}/reviews", params={"per_page": 100})
        latest: dict[str, str] = {}
        for review in found or ():
            state = str(review.get("state") or "").lower()
            if state in ("approved", "changes_requested", "dismissed"):
                latest[str((review.get("user") or {}).get("login") or "")] = state
        return latest


def _pull(data: dict[str, Any]) -> PullRequest:
    reviewers = tuple(str(r.get("login", "")) for r in data.get("requested_reviewers") or ())
    return PullRequest(
        number=int(data["number"]),
        url=str(data.get("html_url") or ""),
        branch=str((data.get("head") or {}).get("ref") or ""),
        state=str(data.get("state") or "open"),
        merged=bool(data.get("merged") or data.get("merged_at")),
        reviewers=reviewers,
    )


def _message(exc: RequestFailed) -> str:
    try:
        return " ".join(str(exc.response.json().get("message", "")).split())[:200] or "no reason given"
    except Exception:  # noqa: BLE001 - an HTML error page, say
        return "no reason given"
