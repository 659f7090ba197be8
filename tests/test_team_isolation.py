"""Every row kept to its team: two teams with the same user ids asking for the same terms share one state database,
and nothing of one reaches the other (reads, lists, votes, history, preferences, events, feedback, lookups and
their counts, reviews, digests, letters, pull requests), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.answers.ask import parse_command
from bot.config import Settings, SettingsError
from bot.glossary.live import LiveGlossary
from bot.glossary.roles import load_roles
from bot.runtime import Runtime
from bot.slack.kit.deps import team_of
from bot.slack.outbox.pacing import Pacer
from bot.state.clock import Clock
from bot.state.feedback import FeedbackBook
from bot.state.lookups import LookupLog, LookupRow
from bot.state.outbox import LetterKind, Outbox
from bot.state.pulls import PullLedger
from bot.state.store import Store, now
from bot.state.team import LOCAL, Team, TeamUnknown
from bot.state.verifications import Verifications
from bot.term_requests.book import RequestBook
from bot.term_requests.rules import RequestForm, RequestStatus

ACME, GLOBEX = Team("T0ACME"), Team("T0GLOBEX", "E0GLOBEX")


@pytest.fixture
def store(state_url):
    store = Store(state_url)
    yield store
    store.close()


@pytest.fixture
def books(store):
    return RequestBook(store.for_team(ACME)), RequestBook(store.for_team(GLOBEX))


def ask(term: str = "vibe coding") -> RequestForm:
    return RequestForm(term=term, why="It keeps coming up.")


def test_the_same_term_asked_by_the_same_user_id_is_two_requests_one_per_team(books):
    acme, globex = books
    a = acme.file(ask(), "U1")
    g = globex.file(ask(), "U1")
    assert a.created and g.created and a.request.id != g.request.id  # not a vote on the other team's request
    assert acme.get(a.request.id).voters == ("U1",) and globex.get(g.request.id).voters == ("U1",)
    for mine, theirs in ((acme, g.request.id), (globex, a.request.id)):
        with pytest.raises(LookupError, match=f"no request #{theirs}"):  # reads as one that does not exist
            mine.get(theirs)
        with pytest.raises(LookupError):
            mine.move(theirs, "U9", RequestStatus.DRAFTING)
        with pytest.raises(LookupError):
            mine.assign(theirs, "U9", "U9")
        assert mine.history(theirs) == []
    assert [r.id for r in acme.list()] == [a.request.id] and [r.id for r in globex.list()] == [g.request.id]
    assert acme.count() == 1 and globex.count() == 1


def test_votes_lists_and_triage_stay_in_their_team(books):
    acme, globex = books
    a = acme.file(ask(), "U1").request
    g = globex.file(ask(), "U2").request
    voted = acme.file(ask("Vibe-Coding"), "U2")  # U2 of Acme votes on Acme's request, not Globex's (U2 filed it)
    assert voted.voted and voted.request.id == a.id and voted.request.voters == ("U1", "U2")
    assert globex.get(g.id).votes == 1 and globex.get(g.id).voters == ("U2",)
    assert [r.id for r in acme.voted_for("U2")] == [a.id] and globex.voted_for("U2") == []
    assert [r.id for r in globex.list(requester="U2", voter="U2")] == [g.id]
    assert [r.id for r in acme.search_active("vibe")] == [a.id]
    assert [r.id for r in acme.backlog()] == [a.id]
    acme.move(a.id, "UREV", RequestStatus.DECLINED, note="Not ours.")
    assert globex.get(g.id).status == RequestStatus.OPEN and [h["action"] for h in globex.history(g.id)] == [
        "filed",
        "voted",
    ]
    again = acme.file(ask(), "U3")  # Acme's request closed: a new one for Acme, Globex's still open and untouched
    assert again.created and globex.list(statuses=[RequestStatus.OPEN])[0].id == g.id


def test_rows_carry_their_team_and_org(store, books):
    _, globex = books
    filed = globex.file(ask(), "U1").request
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(f"SELECT team_id, enterprise_id FROM term_requests WHERE id = {filed.id}").one()
        votes = conn.exec_driver_sql("SELECT team_id, enterprise_id FROM request_votes").all()
        letters = conn.exec_driver_sql("SELECT team_id, enterprise_id FROM outbox").all()
    assert tuple(row) == ("T0GLOBEX", "E0GLOBEX") and {tuple(v) for v in votes} == {("T0GLOBEX", "E0GLOBEX")}
    assert letters and {tuple(x) for x in letters} == {("T0GLOBEX", "E0GLOBEX")}  # the triage post it queued


def test_preferences_and_processed_events_are_per_team(store):
    acme, globex = store.for_team(ACME), store.for_team(GLOBEX)
    acme.set_framing("U1", "exec")
    globex.set_role("U1", "legal")
    assert (acme.preference("U1").framing, acme.preference("U1").role) == ("exec", None)
    assert (globex.preference("U1").framing, globex.preference("U1").role) == (None, "legal")
    assert acme.claim_event("Ev1") and globex.claim_event("Ev1")  # the same id in two teams: two events
    assert not acme.claim_event("Ev1") and not globex.claim_event("Ev1")


def test_feedback_and_lookups_and_their_counts_are_per_team(store):
    acme, globex = store.for_team(ACME), store.for_team(GLOBEX)
    assert FeedbackBook(acme).vote("U1", "rag", helpful=True) is None
    assert FeedbackBook(globex).vote("U1", "rag", helpful=False) is None  # its first vote, not a change of Acme's
    assert FeedbackBook(acme).counts() == {"rag": (1, 0)} and FeedbackBook(globex).counts() == {"rag": (0, 1)}
    assert FeedbackBook(globex).vote_of("U1", "rag") is False
    at = now()
    LookupLog(acme).add(
        [LookupRow("slash", "rag", "hit", "rag", "name", at), LookupRow("slash", "zzz", "miss", None, "", at)]
    )
    LookupLog(store).add([LookupRow("slash", "secret plan", "miss", None, "", at, GLOBEX)])  # a row says its team
    since = at - dt.timedelta(minutes=1)
    assert LookupLog(acme).counts_by_slug(since) == {"rag": 1} and LookupLog(globex).counts_by_slug(since) == {}
    assert LookupLog(acme).top_misses(since, 10) == [("zzz", 1)]
    assert LookupLog(globex).top_misses(since, 10) == [("secret plan", 1)]
    assert sum(LookupLog(globex).counts(since).values()) == 1
    # Where words are looked up (the reviewer Home's discouraged labels) is counted in the asker's team only.
    assert LookupLog(acme).surfaces_of(["secret plan"], since) == {}
    assert LookupLog(globex).surfaces_of(["secret plan", "zzz"], since) == {"secret plan": {"slash": 1}}
    RequestBook(globex).file(ask("zzz"), "U1")
    assert LookupLog(acme).requests_for(["zzz"]) == {}  # a miss's fate is told from the asker's team only
    assert set(LookupLog(globex).requests_for(["zzz"])) == {"zzz"}


def test_reviews_and_digests_are_per_team(store):
    acme, globex = Verifications(store.for_team(ACME)), Verifications(store.for_team(GLOBEX))
    acme.record("rag", "U1")
    assert set(acme.latest()) == {"rag"} and globex.latest() == {} and globex.latest_for("rag") is None
    assert acme.claim_week("2026-W49", "one") and globex.claim_week("2026-W49", "two")  # each team's own week
    acme.finish_week("2026-W49", "one")
    assert acme.week_finished("2026-W49") and not globex.week_finished("2026-W49")
    assert acme.claim_delivery("2026-W49", "U1") and globex.claim_delivery("2026-W49", "U1")
    assert not acme.claim_delivery("2026-W49", "U1")


def test_letters_carry_their_team_and_each_team_sees_its_own(store):
    acme, globex = Outbox(store.for_team(ACME)), Outbox(store.for_team(GLOBEX))
    acme.send(LetterKind.DM, {"user": "U1", "message": {"text": "for Acme's U1"}})
    globex.send(LetterKind.DM, {"user": "U1", "message": {"text": "for Globex's U1"}})
    assert [x.payload["message"]["text"] for x in acme.letters()] == ["for Acme's U1"]
    assert [x.payload["message"]["text"] for x in globex.letters()] == ["for Globex's U1"]
    claimed = acme.claim_batch("worker", dt.timedelta(minutes=1))  # the worker serves every team...
    by_team = {x.team: x.payload["message"]["text"] for x in claimed}
    assert by_team == {ACME: "for Acme's U1", GLOBEX: "for Globex's U1"}  # ...and each letter says whose it is
    for letter in claimed:
        acme.dead(letter.id, "worker", "channel_not_found")
    assert acme.stuck().dead == 1 and globex.stuck().dead == 1
    assert acme.requeue_dead() == 1 and globex.stuck().dead == 1  # Acme's retry leaves Globex's letters alone


def test_pull_requests_are_read_by_the_team_that_asked(store):
    acme, globex = store.for_team(ACME), store.for_team(GLOBEX)
    with acme.writing() as conn:
        assert PullLedger(acme).add(conn, "glossary/request-1", "request", 1, "U1")
    assert PullLedger(acme).get("glossary/request-1").team == ACME
    assert PullLedger(globex).get("glossary/request-1") is None and PullLedger(globex).for_request(1) is None
    # The reviewer Home's "Pull requests from Slack" lists the team's own only.
    assert [r.branch for r in PullLedger(acme).unfinished()] == ["glossary/request-1"]
    assert PullLedger(globex).unfinished() == []


def test_the_home_team_is_the_one_the_database_knows_and_two_need_a_setting(state_url):
    store = Store(state_url)
    assert store.team == LOCAL  # nothing known yet: a command's rows stay its own
    store.note_team(ACME)  # as the Slack layer does the first time a team's request comes in
    assert store.team == ACME and Store(state_url).team == ACME  # one team: the command line and MCP server use it
    store.note_team(GLOBEX)
    with pytest.raises(TeamUnknown, match="SLACK_TEAM_ID") as unknown:
        store.team.owns  # noqa: B018 - reading it is the test
    assert "\n" not in str(unknown.value)
    assert Store(state_url, GLOBEX).team == GLOBEX  # SLACK_TEAM_ID settles it
    assert store.known_teams() == [ACME, GLOBEX]
    store.close()


def test_a_runtime_bound_to_a_team_shows_that_team_only(store, tmp_path):
    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path)
    runtime = Runtime(settings, LiveGlossary(BUNDLED_TERMS, settings.glossary_db), store, load_roles(BUNDLED_ROLES))
    acme, globex = runtime.for_team(ACME), runtime.for_team(GLOBEX)
    assert runtime.for_team(ACME) is acme  # made once per team
    acme.set_framing("U1", None)
    acme.set_role("U1", "legal")
    assert acme.preferred("U1")[1] is not None and globex.preferred("U1")[1] is None  # the cache is per team too
    acme.record_feedback("U1", "rag", helpful=True)
    acme.record_lookup("slash", "rag", acme.define("U1", parse_command("rag")).result)
    stats_acme, stats_globex = acme.lookup_stats(7), globex.lookup_stats(7)
    assert stats_acme.as_dict() != stats_globex.as_dict()
    assert (
        globex.feedback_counts() == {}
        and globex.lookup_counts() == {}
        and acme.lookup_counts() == {"retrieval-augmented-generation": 1}
    )
    acme.requests.file(ask(), "U1")
    assert globex.requests.list() == [] and [v.team for v in runtime.every_team()] == [ACME, GLOBEX]
    runtime.close()


def test_one_teams_rate_limit_never_holds_back_another_teams_calls():
    pacer = Pacer(Clock())
    pacer.block(("T0ACME", "chat.update", ""), 30.0)  # Slack said 429 to Acme
    assert pacer.take(("T0ACME", "chat.update", ""), hold=0.0) > 0  # Acme waits...
    assert pacer.take(("T0GLOBEX", "chat.update", ""), hold=0.0) == 0.0  # ...Globex does not
    for _ in range(3):  # postMessage's burst of three per channel, per team
        assert pacer.take(("T0ACME", "chat.postMessage", "C1"), hold=0.0) == 0.0
    assert pacer.take(("T0ACME", "chat.postMessage", "C1"), hold=0.0) > 0
    assert pacer.take(("T0GLOBEX", "chat.postMessage", "C1"), hold=0.0) == 0.0


def test_the_home_team_setting_is_checked_and_read():
    settings = Settings.from_env({"SLACK_TEAM_ID": "T0ACME", "SLACK_ENTERPRISE_ID": "E0ORG"})
    assert settings.home_team == Team("T0ACME", "E0ORG") and Settings.from_env({}).home_team is None
    with pytest.raises(SettingsError, match="SLACK_TEAM_ID must be a Slack id") as bad:
        Settings.from_env({"SLACK_TEAM_ID": "acme"})
    assert "\n" not in str(bad.value)


def test_a_slack_request_is_bound_to_its_payloads_team_or_an_org_installs_org():
    assert team_of({"team_id": "T0ACME", "enterprise_id": None}) == Team("T0ACME")
    assert team_of({"team_id": "T0ACME", "enterprise_id": "E0ORG"}) == Team("T0ACME", "E0ORG")
    org_wide = {"team_id": "T0ACME", "enterprise_id": "E0ORG", "is_enterprise_install": True}
    assert team_of(org_wide) == Team("E0ORG", "E0ORG")  # every workspace of the org shares the org's rows
    assert team_of({}) is None  # no team in the payload: the home team's, as before teams


def test_an_org_wide_installs_settings_are_the_orgs_where_its_letters_read_them(store, tmp_path):
    from slack_sdk import WebClient

    from bot.slack.kit.deps import Deps
    from bot.slack.kit.reviewers import Reviewers

    settings = Settings(glossary_dir=BUNDLED_TERMS, roles_file=BUNDLED_ROLES, data_dir=tmp_path)
    runtime = Runtime(settings, LiveGlossary(BUNDLED_TERMS, settings.glossary_db), store, load_roles(BUNDLED_ROLES))
    deps = Deps(runtime, Reviewers(WebClient(token="xoxb-test"), ()))
    org_wide = team_of({"team_id": "T0ACME", "enterprise_id": "E0ORG", "is_enterprise_install": True})
    in_org = deps.for_request(org_wide, "T0ACME", "E0ORG")
    assert in_org.team_id == "E0ORG"  # the Home saves under the org, as the org's rows and letters are keyed
    plain = deps.for_request(Team("T0ACME"), "T0ACME", None)
    assert plain.team_id == "T0ACME"
    runtime.close()
