"""One read rule and one renderer for a request's details, on the Home and by `/define request N`.

The Home once had its own history renderer and its own read rule: a voter who opened an anonymous request there saw
`<@requester>`, while `/define request N` refused the same voter. The rule is the core's (may_read: reviewers, the
requester and the voters read a request; nobody but the requester learns who filed an anonymous one)."""

from __future__ import annotations

import json
from unittest.mock import Mock

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS
from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack import router
from bot.slack.home.handlers import open_request
from bot.slack.kit.deps import Deps
from bot.slack.kit.reviewers import Reviewers
from bot.term_requests.rules import RequestForm

REQUESTER, VOTER, REVIEWER, STRANGER = "UREQUEST1", "UVOTER001", "UREVIEW01", "USTRANGE1"
WHY = "Heard it in the all-hands and nobody could say what it meant."


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path_factory.mktemp("rd"))
    runtime = Runtime.open(settings)
    yield runtime
    runtime.store.close()


@pytest.fixture(scope="module")
def anonymous_request(runtime):
    form = RequestForm(term="context rot", why=WHY, anonymous=True)
    request = runtime.requests.file(form, REQUESTER).request
    runtime.requests.file(RequestForm(term="context rot", why="me too"), VOTER)  # a vote on the same request
    assert VOTER in runtime.requests.get(request.id).voters
    return request


@pytest.fixture
def context(runtime):
    return BoltContext({"deps": Deps(runtime, Reviewers(Mock(WebClient), (REVIEWER,)))})


def from_the_home(context, user: str, number: int) -> str:
    client = Mock(WebClient)
    open_request(Mock(Ack), {"user": {"id": user}, "trigger_id": "T1"}, {"value": str(number)}, client, context)
    client.views_open.assert_called_once()
    return json.dumps(client.views_open.call_args.kwargs["view"])


def by_command(context, user: str, number: int) -> str:
    ack = Mock(Ack)
    command = {"text": f"request {number}", "user_id": user, "trigger_id": "T1"}
    router.define(ack=ack, command=command, client=Mock(WebClient), context=context)
    ack.assert_called_once()
    return json.dumps(ack.call_args.kwargs)


def test_a_voter_opening_an_anonymous_request_from_the_home_sees_no_requester(context, anonymous_request):
    for user in (VOTER, REVIEWER):
        for shown in (
            from_the_home(context, user, anonymous_request.id),
            by_command(context, user, anonymous_request.id),
        ):
            assert WHY in shown  # they read the request ...
            assert REQUESTER not in shown  # ... but never who filed it


@pytest.mark.parametrize(("user", "reads"), [(REQUESTER, True), (VOTER, True), (REVIEWER, True), (STRANGER, False)])
def test_the_same_read_rule_holds_on_the_home_and_by_command(context, anonymous_request, user, reads):
    assert (WHY in from_the_home(context, user, anonymous_request.id)) is reads
    assert (WHY in by_command(context, user, anonymous_request.id)) is reads


def test_an_unknown_or_tampered_number_reads_like_somebody_elses_request(context, anonymous_request):
    # To anyone but a reviewer an unknown number and somebody else's request read alike: nobody learns what exists.
    unknown = anonymous_request.id + 1000
    assert from_the_home(context, STRANGER, unknown) == from_the_home(context, STRANGER, anonymous_request.id).replace(
        f"#{anonymous_request.id}", f"#{unknown}"
    )
    assert "#" not in json.loads(from_the_home(context, STRANGER, "12abc"))["blocks"][0]["text"]["text"]
