"""The GitHub client against a fake GitHub over real HTTP: each call, and each kind of failure sorted right."""

from __future__ import annotations

import pytest

from bot.githost.github import GitHubHost
from bot.githost.host import HostBusy, HostRefused, RateLimited
from tests.e2e.fake_github import FakeGitHub

TOKEN = "github_pat_test_not_real"


@pytest.fixture
def github():
    fake = FakeGitHub(files={"data/terms/lora.yml": "term: lora\n"}).start()
    yield fake
    fake.stop()


def host(fake: FakeGitHub, timeout: float = 5.0) -> GitHubHost:
    return GitHubHost(fake.repo, token=TOKEN, api_url=fake.api_url, timeout=timeout)


def test_a_branch_a_commit_and_a_pull_request_with_reviewers_and_labels(github):
    gh = host(github)
    assert gh.read_file("data/terms/lora.yml", "main") == "term: lora\n"
    assert gh.read_file("data/terms/missing.yml", "main") is None
    assert gh.branch_head("glossary/request-1") is None
    gh.create_branch("glossary/request-1", gh.branch_head("main") or "")
    gh.commit_files("glossary/request-1", {"data/terms/rag.yml": "term: rag\n"}, "Add rag")
    pull = gh.open_pull("glossary/request-1", "main", "Add rag", "Request #1")
    gh.request_review(pull.number, ["octo-cat"], ["security"])
    gh.add_labels(pull.number, ["glossary"])
    assert gh.find_pull("glossary/request-1") == gh.get_pull(pull.number)
    made = github.pulls[0]
    assert (made.reviewers, made.team_reviewers, made.labels) == (["octo-cat"], ["security"], ["glossary"])
    assert github.changed_files(made) == {"data/terms/rag.yml": (None, "term: rag\n")}
    assert all(c.headers.get("Authorization") == f"token {TOKEN}" for c in github.calls)


def test_failures_are_sorted_into_busy_rate_limited_and_refused(github):
    gh = host(github, timeout=1.0)
    github.fail("GET git/ref/heads/main", "500")
    with pytest.raises(HostBusy, match="502"):
        gh.branch_head("main")
    github.fail("GET git/ref/heads/main", "ratelimit")
    with pytest.raises(RateLimited) as limited:
        gh.branch_head("main")
    assert 0 <= limited.value.retry_after <= 2
    github.fail("GET git/ref/heads/main", "hang")
    with pytest.raises(HostBusy, match="in time"):
        gh.branch_head("main")
    with pytest.raises(HostRefused, match="404"):
        gh.get_pull(99)
    assert gh.branch_head("main")  # healed: the faults were one-offs


def test_a_github_app_trades_its_signed_jwt_for_an_installation_token(github):
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    gh = GitHubHost(github.repo, app_id="123", private_key=pem, installation_id=77, api_url=github.api_url)
    assert gh.read_file("data/terms/lora.yml", "main") == "term: lora\n"
    exchange = [c for c in github.calls if c.path == "/app/installations/77/access_tokens"]
    assert len(exchange) == 1
    claims = jwt.decode(
        exchange[0].headers["Authorization"].removeprefix("Bearer "),
        key.public_key(),
        algorithms=["RS256"],
        options={"verify_exp": True},
    )
    assert str(claims["iss"]) == "123"
    read = [c for c in github.calls if c.path.endswith("/contents/data/terms/lora.yml")]
    assert read[0].headers["Authorization"] == "token ghs_installation_77"
