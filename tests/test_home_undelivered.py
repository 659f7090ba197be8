"""Reviewers see, on their Home, that Slack messages have not been delivered (dead, or tried for over 10 minutes):
the outbox keeps trying, but someone is waiting for that triage post or DM."""

from __future__ import annotations

import datetime as dt
import json

from paths import BUNDLED_ROLES, BUNDLED_TERMS
from sqlalchemy import update

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.home.page import HomeState, build_home
from bot.state.schema import outbox as letters
from bot.state.store import now
from bot.term_requests.rules import RequestForm


def _home(runtime: Runtime, user: str, *, reviewer: bool) -> str:
    return json.dumps(build_home(runtime, user, HomeState(), reviewer=reviewer)["blocks"])


def test_undelivered_messages_show_on_the_reviewer_home_only(tmp_path):
    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path / "var")
    runtime = Runtime.open(settings)
    try:
        assert "not delivered yet" not in _home(runtime, "UREVIEW01", reviewer=True)
        runtime.requests.file(RequestForm(term="prompt golf", why="x"), "UASKER01")  # a triage post letter
        with runtime.store.writing() as conn:  # written an hour ago and still not sent
            conn.execute(update(letters).values(created_at=now() - dt.timedelta(hours=1)))
        reviewer = _home(runtime, "UREVIEW01", reviewer=True)
        assert "1 Slack message not delivered yet" in reviewer and "python -m bot outbox" in reviewer
        assert "not delivered" not in _home(runtime, "UASKER01", reviewer=False)
    finally:
        runtime.close()
