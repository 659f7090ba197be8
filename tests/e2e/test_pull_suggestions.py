"""A pull request straight from a card's "Suggest a change" or the digest's "Needs a change", with no request
behind it: a reviewer or owner gets the term's file to edit, and what they submit is the pull request's one change.
Everyone else files a change request as before. The real app over HTTP, the fake Slack and the fake GitHub."""

from __future__ import annotations

import json

from paths import BUNDLED_TERMS
from sqlalchemy import select

from bot.state.outbox import DEAD, PENDING, SENDING, SENT
from bot.state.schema import pull_requests

from .harness import block_action, view_submission, wait_until
from .requests_helpers import post
from .test_pull_requests import _webhook, gh_server, github  # noqa: F401 - fixtures, shared with those tests


def _view(fake_slack, trigger):
    [call] = fake_slack.wait_for("views.open", where=lambda c: c.body.get("trigger_id") == trigger)
    view = call.body["view"]
    return view if isinstance(view, dict) else json.loads(view)


def _boxes(view):
    """The file's text in each of the modal's boxes, in order."""
    return [b["element"]["initial_value"] for b in view["blocks"] if b["type"] == "input"]


def _submit(server, view, text, *, user):
    """One box's text, or a list of every box's text, submitted as Slack would (no final newline)."""
    parts = [text] if isinstance(text, str) else text
    values = {
        ("pull_text" if k == 0 else f"pull_text_{k + 1}"): {"value": {"type": "plain_text_input", "value": p}}
        for k, p in enumerate(p.rstrip("\n") for p in parts)
    }
    submission = view_submission("suggest_pull_request", values, user=user, private_metadata=view["private_metadata"])
    return post(server, submission)


def _edit_branches(server):
    with server.runtime.store.engine.connect() as conn:
        return [(r.branch, r.number) for r in conn.execute(select(pull_requests.c.branch, pull_requests.c.number))]


def _opened_one(server):
    """One pull request asked for, and recorded open (its reviewers and labels requested)."""
    rows = _edit_branches(server)
    return len(rows) == 1 and rows[0][1] is not None


def test_an_owner_s_suggest_a_change_on_a_card_opens_a_pull_request_of_exactly_their_edit(
    gh_server,  # noqa: F811
    fake_slack,
    github,  # noqa: F811
):
    post(gh_server, block_action("suggest_change", '{"s":"temperature"}', user="UOWNER001", trigger_id="t-card"))
    view = _view(fake_slack, "t-card")
    original = (BUNDLED_TERMS / "temperature.yml").read_text(encoding="utf-8")
    assert view["callback_id"] == "suggest_pull_request"
    assert view["blocks"][1]["element"]["initial_value"] == original.rstrip("\n")
    assert "owners review it on GitHub" in json.dumps(view["blocks"][0])
    edited = original.replace("status:", "# reworded in Slack\nstatus:", 1)
    assert _submit(gh_server, view, edited, user="UOWNER001").status == 200
    assert wait_until(lambda: _opened_one(gh_server))
    pull = github.pulls[0]
    assert pull.branch.startswith("glossary/edit-temperature-")
    assert github.changed_files(pull) == {"data/terms/temperature.yml": (original, edited)}
    assert pull.reviewers == ["octo-cat"] and "Olu Owner" in pull.body and "UOWNER001" not in pull.body
    assert "change request #" not in pull.title and gh_server.runtime.requests.backlog() == []  # no request filed
    fake_slack.wait_for(
        "chat.postMessage", where=lambda c: c.body.get("channel") == "UOWNER001" and "#1" in str(c.body)
    )
    # The same edit submitted again is the same pull request.
    post(gh_server, block_action("suggest_change", '{"s":"temperature"}', user="UOWNER001", trigger_id="t-again"))
    assert _submit(gh_server, _view(fake_slack, "t-again"), edited, user="UOWNER001").status == 200
    assert len(_edit_branches(gh_server)) == 1 and len(github.of("POST", "pulls$")) == 1
    # Merged: no request, so no requesters; whoever opened it from Slack hears it, once.
    merged = {"action": "closed", "pull_request": {"head": {"ref": pull.branch}, "merged": True}}
    for delivery in ("m-1", "m-2"):  # a second delivery of the same merge moves nothing
        assert _webhook(gh_server, "pull_request", merged, delivery=delivery).status == 200
    fake_slack.wait_for(
        "chat.postMessage", where=lambda c: c.body.get("channel") == "UOWNER001" and "was merged" in str(c.body)
    )
    every = gh_server.runtime.outbox.letters((PENDING, SENDING, SENT, DEAD))
    assert [x.payload["user"] for x in every if x.payload.get("about") == "pull_merged"] == ["UOWNER001"]


def test_the_digest_s_needs_a_change_lets_a_reviewer_edit_the_term_into_a_pull_request(
    gh_server,  # noqa: F811
    fake_slack,
    github,  # noqa: F811
):
    action = block_action(
        "review_needs_change",
        '{"s":"benchmark"}',
        user="UREVIEW01",
        trigger_id="t-digest",
        response_url=fake_slack.response_url("digest"),
    )
    post(gh_server, action)
    view = _view(fake_slack, "t-digest")
    original = (BUNDLED_TERMS / "benchmark.yml").read_text(encoding="utf-8")
    assert view["callback_id"] == "suggest_pull_request"
    boxes = _boxes(view)  # longer than one Slack box holds: shown in two, cut between top-level keys
    assert len(boxes) == 2 and "\n".join(boxes) + "\n" == original
    unchanged = _submit(gh_server, view, boxes, user="UREVIEW01").json()
    assert "same as the file" in unchanged["errors"]["pull_text"]  # accepting it as it is changes nothing
    boxes[1] = boxes[1].replace("\n", "\n# checked against the new leaderboard\n", 1)
    edited = "\n".join(boxes) + "\n"
    assert _submit(gh_server, view, boxes, user="UREVIEW01").status == 200
    assert wait_until(lambda: _opened_one(gh_server))
    assert github.changed_files(github.pulls[0]) == {"data/terms/benchmark.yml": (original, edited)}
    assert "Rae Reviewer" in github.pulls[0].body


def test_anyone_else_files_a_change_request_and_cannot_forge_the_edit(gh_server, fake_slack, github):  # noqa: F811
    post(gh_server, block_action("suggest_change", '{"s":"temperature"}', user="UASKER01", trigger_id="t-asker"))
    view = _view(fake_slack, "t-asker")
    assert view["callback_id"] == "term_request"  # the change request form, as before
    forged = {"callback_id": "suggest_pull_request", "private_metadata": json.dumps({"r": 0, "s": "temperature"})}
    edited = (BUNDLED_TERMS / "temperature.yml").read_text(encoding="utf-8") + "# mine\n"
    refused = _submit(gh_server, forged, edited, user="UASKER01").json()
    assert "Only glossary reviewers and this term's owners" in refused["errors"]["pull_text"]
    assert github.calls == [] and _edit_branches(gh_server) == []
