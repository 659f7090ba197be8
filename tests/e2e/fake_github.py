"""A local stand-in for GitHub's REST API: one repository held in memory (branches, commits, trees, pull
requests), every call recorded, and faults on demand: a 5xx, a 403 rate limit with x-ratelimit-reset, a hang.
Only the calls bot/githost/github.py makes are answered; anything else is a 404 the test will see."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG_LIMIT = 30.0


@dataclass
class GhCall:
    method: str
    path: str  # without the query string, e.g. /repos/acme/glossary/pulls
    query: dict
    body: dict | list | None
    headers: dict
    outcome: str = "ok"  # ok | 500 | ratelimit | hang | late (acts, then hangs: the answer is lost)


@dataclass
class Pull:
    number: int
    branch: str
    base: str
    title: str
    body: str
    state: str = "open"
    merged: bool = False
    reviewers: list[str] = field(default_factory=list)
    team_reviewers: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)  # as GitHub lists them, oldest first

    def json(self, repo: str) -> dict:
        return {
            "number": self.number,
            "html_url": f"https://github.test/{repo}/pull/{self.number}",
            "state": self.state,
            "merged": self.merged,
            "title": self.title,
            "body": self.body,
            "head": {"ref": self.branch},
            "base": {"ref": self.base},
            "requested_reviewers": [{"login": r} for r in self.reviewers],
            "requested_teams": [{"slug": t} for t in self.team_reviewers],
            "labels": [{"name": n} for n in self.labels],
        }


class FakeGitHub:
    def __init__(self, repo: str = "acme/glossary", files: dict[str, str] | None = None, base: str = "main") -> None:
        self.repo = repo
        self.calls: list[GhCall] = []
        self.commits: dict[str, dict] = {}  # sha -> {"files": {path: text}, "parents": [...], "message": str}
        self.trees: dict[str, dict[str, str]] = {}
        self.branches: dict[str, str] = {}
        self.pulls: list[Pull] = []
        self.faults: dict[str, tuple[str, int | None]] = {}  # "METHOD /path-regex" -> (mode, times left or None)
        self._lock = threading.Lock()
        self._released = threading.Event()
        self.branches[base] = self._commit(dict(files or {}), [], "first commit")

    # --- test controls ----------------------------------------------------------------------------

    def fail(self, where: str, mode: str, *, times: int | None = 1) -> FakeGitHub:
        """`where` is "METHOD regex" matched against the path below /repos/<repo>/ (e.g. "POST pulls$")."""
        with self._lock:
            self.faults[where] = (mode, times)
        return self

    def tried(self, method: str, pattern: str) -> list[GhCall]:
        """Every call, failed ones included."""
        prefix = f"/repos/{self.repo}/"
        return [c for c in list(self.calls) if c.method == method and re.search(pattern, c.path.removeprefix(prefix))]

    def of(self, method: str, pattern: str) -> list[GhCall]:
        prefix = f"/repos/{self.repo}/"
        return [
            c
            for c in list(self.calls)
            if c.method == method and c.outcome == "ok" and re.search(pattern, c.path.removeprefix(prefix))
        ]

    def review(self, number: int, login: str, state: str) -> None:
        """A reviewer's decision on the host: "APPROVED", "CHANGES_REQUESTED", "COMMENTED" or "DISMISSED"."""
        with self._lock:
            pull = self._pull(number)
            assert pull is not None
            pull.reviews.append({"id": len(pull.reviews) + 1, "user": {"login": login}, "state": state})

    def close(self, number: int, *, merged: bool) -> None:
        with self._lock:
            pull = self._pull(number)
            assert pull is not None
            pull.state, pull.merged = "closed", merged
            if merged:
                self.branches[pull.base] = self.branches[pull.branch]

    def files_at(self, branch: str) -> dict[str, str]:
        return dict(self.commits[self.branches[branch]]["files"])

    def changed_files(self, pull: Pull) -> dict[str, tuple[str | None, str | None]]:
        """path -> (text on the base branch, text on the pull request's branch), for each file that differs."""
        before, after = self.files_at(pull.base), self.files_at(pull.branch)
        return {p: (before.get(p), after.get(p)) for p in set(before) | set(after) if before.get(p) != after.get(p)}

    # --- the server ---------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                url = urllib.parse.urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                call = GhCall(
                    self.command,
                    urllib.parse.unquote(url.path),
                    query,
                    json.loads(raw) if raw else None,
                    dict(self.headers),
                )
                with fake._lock:
                    fake.calls.append(call)
                    call.outcome = fake._fault(call)
                    acts = call.outcome in ("ok", "late")
                    status, reply, headers = fake._answer(call) if acts else (0, None, {})
                if call.outcome in ("hang", "late"):
                    fake._released.wait(HANG_LIMIT)
                    return
                if call.outcome == "500":
                    status, reply = 502, {"message": "Server Error"}
                if call.outcome == "ratelimit":
                    status, reply = 403, {"message": "API rate limit exceeded"}
                    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 1)}
                data = json.dumps(reply).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    # --- answers -------------------------------------------------------------------------------------

    def _fault(self, call: GhCall) -> str:
        path = call.path.removeprefix(f"/repos/{self.repo}/")
        for where, (mode, times) in list(self.faults.items()):
            method, _, pattern = where.partition(" ")
            if method == call.method and re.search(pattern, path):
                if times is not None:
                    if times <= 0:
                        continue
                    self.faults[where] = (mode, times - 1)
                return mode
        return "ok"

    def _commit(self, files: dict[str, str], parents: list[str], message: str) -> str:
        sha = hashlib.sha1(json.dumps([files, parents, message, len(self.commits)]).encode()).hexdigest()
        self.commits[sha] = {"files": files, "parents": parents, "message": message}
        return sha

    def _pull(self, number: int) -> Pull | None:
        return next((p for p in self.pulls if p.number == number), None)

    def _answer(self, call: GhCall) -> tuple[int, object, dict]:  # noqa: C901 - one table of routes
        prefix = f"/repos/{self.repo}/"
        installation = re.fullmatch(r"/app/installations/(\d+)/access_tokens", call.path)
        if call.method == "POST" and installation:  # a GitHub App trading its JWT for an installation token
            expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            return 201, {"token": f"ghs_installation_{installation[1]}", "expires_at": expires}, {}
        if not call.path.startswith(prefix):
            return 404, {"message": "Not Found"}, {}
        path, body, q = call.path[len(prefix) :], call.body or {}, call.query
        assert isinstance(body, dict)
        m = re.fullmatch(r"contents/(.+)", path)
        if call.method == "GET" and m:
            branch = q.get("ref", "main")
            text = self.commits[self.branches[branch]]["files"].get(m[1]) if branch in self.branches else None
            if text is None:
                return 404, {"message": "Not Found"}, {}
            return 200, {"path": m[1], "encoding": "base64", "content": base64.b64encode(text.encode()).decode()}, {}
        m = re.fullmatch(r"git/ref/heads/(.+)", path)
        if call.method == "GET" and m:
            if m[1] not in self.branches:
                return 404, {"message": "Not Found"}, {}
            return 200, {"ref": f"refs/heads/{m[1]}", "object": {"sha": self.branches[m[1]]}}, {}
        if call.method == "POST" and path == "git/refs":
            name = body["ref"].removeprefix("refs/heads/")
            if name in self.branches:
                return 422, {"message": "Reference already exists"}, {}
            self.branches[name] = body["sha"]
            return 201, {"ref": body["ref"], "object": {"sha": body["sha"]}}, {}
        m = re.fullmatch(r"git/commits/(\w+)", path)
        if call.method == "GET" and m:
            return 200, {"sha": m[1], "tree": {"sha": "tree-of-" + m[1]}}, {}
        if call.method == "POST" and path == "git/trees":
            files = dict(self.commits[body["base_tree"].removeprefix("tree-of-")]["files"])
            files.update({e["path"]: e["content"] for e in body["tree"]})
            sha = hashlib.sha1(json.dumps(files, sort_keys=True).encode()).hexdigest()
            self.trees[sha] = files
            return 201, {"sha": sha}, {}
        if call.method == "POST" and path == "git/commits":
            sha = self._commit(self.trees[body["tree"]], body["parents"], body["message"])
            return 201, {"sha": sha, "tree": {"sha": body["tree"]}}, {}
        m = re.fullmatch(r"git/refs/heads/(.+)", path)
        if call.method == "PATCH" and m:
            self.branches[m[1]] = body["sha"]
            return 200, {"ref": f"refs/heads/{m[1]}", "object": {"sha": body["sha"]}}, {}
        if call.method == "GET" and path == "pulls":
            branch = q.get("head", "").partition(":")[2]
            return 200, [p.json(self.repo) for p in self.pulls if p.branch == branch], {}
        if call.method == "POST" and path == "pulls":
            if any(p.branch == body["head"] and p.state == "open" for p in self.pulls):
                return 422, {"message": "Validation Failed: A pull request already exists"}, {}
            pull = Pull(len(self.pulls) + 1, body["head"], body["base"], body["title"], body.get("body") or "")
            self.pulls.append(pull)
            return 201, pull.json(self.repo), {}
        m = re.fullmatch(r"(pulls|issues)/(\d+)(/requested_reviewers|/labels|/reviews)?", path)
        pull = self._pull(int(m[2])) if m else None
        if m and pull is None:
            return 404, {"message": "Not Found"}, {}
        if m and pull and call.method == "POST" and m[3] == "/requested_reviewers":
            pull.reviewers += [r for r in body.get("reviewers", []) if r not in pull.reviewers]
            pull.team_reviewers += [t for t in body.get("team_reviewers", []) if t not in pull.team_reviewers]
            return 201, pull.json(self.repo), {}
        if m and pull and call.method == "POST" and m[3] == "/labels":
            pull.labels += [n for n in body.get("labels", []) if n not in pull.labels]
            return 200, [{"name": n} for n in pull.labels], {}
        if m and pull and call.method == "GET" and m[1] == "pulls" and m[3] == "/reviews":
            return 200, list(pull.reviews), {}
        if m and pull and call.method == "GET" and m[1] == "pulls" and not m[3]:
            return 200, pull.json(self.repo), {}
        return 404, {"message": "Not Found"}, {}
