"""Exactly one instance sends a week's digest: two bots sharing one state database race for the week's
lease, and every owner gets one DM. A sender that dies half-way is taken over once its lease runs out,
and who already got theirs is skipped."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from governance_helpers import bundled_terms_reviewed_on
from paths import BUNDLED_ROLES
from slack_sdk import WebClient

from bot.config import Settings
from bot.governance.digest import week_of
from bot.runtime import Runtime
from bot.slack.outbox.pending import deliver_pending
from bot.slack.requests import letters as request_letters
from bot.slack.reviews.schedule import send_digests
from bot.state.store import Store
from bot.state.verifications import Verifications

from .harness import BOT_TOKEN

OWNERS = """\
owners:
  categories: {"Retrieval & RAG": [URAG0001], "LLM Core": [UCORE001]}
  terms: {"fine-tuning": [UOWNER01]}
review_days: {approved: 1, reviewed: 1, draft: 1}
"""


@pytest.fixture
def owners_path(tmp_path):
    path = tmp_path / "owners.yml"
    path.write_text(OWNERS, encoding="utf-8")
    return path


def instance(tmp_path, name, url, owners_path):
    settings = Settings(
        glossary_dir=bundled_terms_reviewed_on(tmp_path / "terms"),  # every term due with a one-day interval
        roles_file=BUNDLED_ROLES,
        data_dir=tmp_path / name,  # each instance keeps its own glossary database, as in production
        database_url=url,
        owners_file=owners_path,
    )
    return Runtime.open(settings)


def test_two_instances_on_postgresql_send_one_digest(tmp_path, postgres_url, fake_slack, owners_path):
    runtimes = [instance(tmp_path, n, postgres_url, owners_path) for n in ("a", "b")]
    start = threading.Barrier(2)
    runs = []

    def race(runtime, holder):
        client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
        start.wait()
        runs.append(send_digests(client, runtime, lambda _g: (), holder=holder))

    threads = [threading.Thread(target=race, args=(r, f"instance-{i}")) for i, r in enumerate(runtimes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.claimed for r in runs) == [False, True]
    for runtime in runtimes:  # the digests are outbox letters; either instance's worker may send them
        deliver_pending(runtime, WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), request_letters)
    dms = sorted(c.body["channel"] for c in fake_slack.of("chat.postMessage"))
    assert dms == ["UCORE001", "UOWNER01", "URAG0001"]
    for runtime in runtimes:
        runtime.store.close()


def test_the_lease_is_taken_over_only_after_it_runs_out_and_never_after_the_week_is_done(state_url):
    store = Store(state_url)
    book = Verifications(store)
    assert book.claim_week("2026-W49", "a", lease=dt.timedelta(seconds=-1))  # a lease that has already run out
    assert book.claim_delivery("2026-W49", "UOWNER01")
    assert book.claim_week("2026-W49", "b")  # a died: b takes the week over
    assert not book.claim_week("2026-W49", "c")  # b's lease is still running
    assert not book.claim_delivery("2026-W49", "UOWNER01")  # b skips whoever a already sent to
    book.finish_week("2026-W49", "b")
    assert book.week_finished("2026-W49") and not book.week_finished("2026-W50")
    assert not book.claim_week("2026-W49", "d", lease=dt.timedelta(seconds=-1))
    assert book.claim_week("2026-W50", "d")  # next week is a new race
    store.close()


def test_a_takeover_sends_only_to_those_still_waiting(tmp_path, fake_slack, owners_path):
    runtime = instance(tmp_path, "a", f"sqlite:///{tmp_path / 'state.db'}", owners_path)
    book = runtime.governance.book
    today = runtime.governance.today()
    assert book.claim_week(week_of(today), "dead", lease=dt.timedelta(seconds=-1))
    assert book.claim_delivery(week_of(today), "UOWNER01")  # the dead sender had reached this owner
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    run = send_digests(client, runtime, lambda _g: (), holder="live", today=today)
    assert run.claimed and sorted(run.sent_to) == ["UCORE001", "URAG0001"]
    runtime.store.close()


def test_the_schedule_sends_once_the_weeks_hour_has_come(tmp_path, fake_slack, owners_path):
    from zoneinfo import ZoneInfo

    from bot.slack.reviews.schedule import DigestSchedule

    runtime = instance(tmp_path, "a", f"sqlite:///{tmp_path / 'state.db'}", owners_path)
    schedule = DigestSchedule(WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), runtime, lambda _g: ())
    monday = dt.datetime(2026, 11, 30, 8, 59, tzinfo=ZoneInfo("UTC"))  # DIGEST_DAY monday, DIGEST_HOUR 9
    assert schedule.check(monday) is None and fake_slack.of("chat.postMessage") == []
    run = schedule.check(monday + dt.timedelta(minutes=1))
    assert run is not None and run.week == "2026-W49" and len(run.sent_to) == 3
    assert schedule.check(monday + dt.timedelta(hours=5)) is None  # that week is done
    deliver_pending(runtime, WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), request_letters)
    assert len(fake_slack.of("chat.postMessage")) == 3
    runtime.store.close()


def test_reviews_send_needs_only_the_bot_token_and_sends_once_a_week(
    tmp_path, fake_slack, owners_path, monkeypatch, capsys
):
    from bot.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLOSSARY_DIR", str(bundled_terms_reviewed_on(tmp_path / "terms")))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("OWNERS_FILE", str(owners_path))
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    assert main(["reviews", "send"]) == 2 and "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    assert main(["reviews", "send"]) == 0 and "to 3 owners" in capsys.readouterr().out
    assert main(["reviews", "send"]) == 0 and "already sent" in capsys.readouterr().out
    assert sorted(c.body["channel"] for c in fake_slack.of("chat.postMessage")) == ["UCORE001", "UOWNER01", "URAG0001"]


GROUP_OWNERS = """\
owners:
  categories: {"Retrieval & RAG": [SRAGTEAM1]}
review_days: {approved: 1, reviewed: 1, draft: 1}
"""


def test_each_team_gets_its_own_digest_its_group_read_as_that_team(tmp_path, fake_slack):
    """Several workspaces (OAuth installs): one week, a digest per team, each team's owners' group asked of that
    team (its token), each DM a letter in that team's outbox (sent with its token), each team's own lease."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import text

    from bot.slack.reviews.schedule import DigestSchedule
    from bot.state.team import Team

    owners = tmp_path / "owners.yml"
    owners.write_text(GROUP_OWNERS, encoding="utf-8")
    runtime = instance(tmp_path, "a", f"sqlite:///{tmp_path / 'state.db'}", owners)
    for team in ("T0000ONE", "T0000TWO"):
        runtime.for_team(Team(team))  # a team the database serves
    asked: list[tuple[str, str]] = []

    def members_of(view):
        people = {"T0000ONE": ("UONE0001",), "T0000TWO": ("UTWO0001", "UTWO0002")}[view.team.id]
        return lambda group: asked.append((view.team.id, group)) or people

    schedule = DigestSchedule(WebClient(base_url=fake_slack.api_url), runtime, lambda _g: (), members_of=members_of)
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("UTC"))
    runs = schedule.check_every_team(monday)
    assert sorted(sorted(run.sent_to) for run in runs) == [["UONE0001"], ["UTWO0001", "UTWO0002"]]
    assert sorted(set(asked)) == [("T0000ONE", "SRAGTEAM1"), ("T0000TWO", "SRAGTEAM1")]
    with runtime.store.engine.connect() as conn:
        letters = conn.execute(text("SELECT team_id, payload FROM outbox ORDER BY id")).all()
    by_team = {
        (team, user) for team, payload in letters for user in ("UONE0001", "UTWO0001", "UTWO0002") if user in payload
    }
    assert by_team == {("T0000ONE", "UONE0001"), ("T0000TWO", "UTWO0001"), ("T0000TWO", "UTWO0002")}
    assert schedule.check_every_team(monday) == []  # each team's week is done
    runtime.store.close()
