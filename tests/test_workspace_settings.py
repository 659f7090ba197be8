"""Settings per workspace (issue 23, item 4): what a workspace admin set on the Home over the environment's
values, the rules a save must pass, and the channel -> domain mapping picking a card's sense (issue 24).
On SQLite and PostgreSQL (the state_url fixture)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.config import Settings
from bot.glossary.senses import choose_sense
from bot.state.store import Store
from bot.state.team_settings import TeamSettingsStore
from bot.workspaces.settings import (
    CHANNEL,
    DIGEST_DAY,
    DOMAINS,
    GROUP,
    USERS,
    SettingsForm,
    WorkspaceSettings,
    form_of,
    known_domains,
    may_change_settings,
    validate,
)

ENV = Settings(requests_channel="CENVCHAN1", reviewers=("UENV00001", "SENVGROUP"), digest_day=2)
DOMAINS_KNOWN = frozenset({"people", "engineering", "data science"})


@pytest.fixture
def workspaces(state_url):
    store = Store(state_url)
    current = {"settings": ENV}
    yield WorkspaceSettings(store, lambda: current["settings"])
    store.close()


def save(workspaces, team="T0000001", by="UADMIN001", **fields) -> dict[str, str]:
    return workspaces.save(team, SettingsForm(**fields), by=by, domains=DOMAINS_KNOWN, enterprise_id="E0000001")


def test_with_nothing_set_a_workspace_gets_the_environments_values(workspaces):
    found = workspaces.effective_settings("T0000001")
    assert (found.requests_channel, found.reviewers, found.digest_day) == ("CENVCHAN1", ("UENV00001", "SENVGROUP"), 2)
    assert found.set_here == frozenset() and found.someone_reviews and found.to_set() == ()
    assert found.users == ("UENV00001",) and found.groups == ("SENVGROUP",)
    assert found.domains_of("C0PEOPLE1") is None  # not mapped here: the glossary's file decides


def test_what_an_admin_sets_wins_field_by_field_and_the_rest_stays_the_environments(workspaces):
    assert save(workspaces, requests_channel="CTRIAGE01") == {}
    found = workspaces.effective_settings("T0000001")
    assert found.requests_channel == "CTRIAGE01" and found.reviewers == ("UENV00001", "SENVGROUP")
    assert found.set_here == {CHANNEL} and found.digest_day == 2
    assert save(workspaces, users=("UREV00001", "UREV00002"), group="SREVGROUP", digest_day="4") == {}
    found = workspaces.effective_settings("T0000001")
    # Saved whole: the channel left empty this time goes back to the environment's.
    assert found.requests_channel == "CENVCHAN1"
    assert found.reviewers == ("UREV00001", "UREV00002", "SREVGROUP") and found.digest_day == 4
    assert found.set_here == {USERS, DIGEST_DAY}
    row = TeamSettingsStore(workspaces.rows.store).get("T0000001")
    assert row is not None and row.enterprise_id == "E0000001" and row.updated_by == "UADMIN001"


def test_an_install_with_nothing_anywhere_says_what_to_set(state_url):
    store = Store(state_url)
    found = WorkspaceSettings(store, lambda: Settings()).effective_settings("T0000001")
    assert not found.someone_reviews and found.to_set() == ("a requests channel", "reviewers")
    store.close()


def test_each_workspace_keeps_its_own_settings(workspaces):
    save(workspaces, team="T0000001", requests_channel="CTEAMONE1", domains="C0PEOPLE1: people")
    save(workspaces, team="T0000002", requests_channel="CTEAMTWO1")
    one, two = workspaces.effective_settings("T0000001"), workspaces.effective_settings("T0000002")
    assert (one.requests_channel, two.requests_channel) == ("CTEAMONE1", "CTEAMTWO1")
    assert one.domains_of("C0PEOPLE1") == ("people",) and two.domains_of("C0PEOPLE1") is None
    assert workspaces.effective_settings("T0000003").requests_channel == "CENVCHAN1"


def test_without_a_team_the_one_workspace_with_settings_is_meant_and_never_one_of_several(workspaces):
    assert workspaces.effective_settings(None).requests_channel == "CENVCHAN1"
    save(workspaces, team="T0000001", requests_channel="CTEAMONE1")
    assert workspaces.effective_settings(None).requests_channel == "CTEAMONE1"
    save(workspaces, team="T0000002", requests_channel="CTEAMTWO1")
    assert workspaces.effective_settings(None).requests_channel == "CENVCHAN1"  # which one? neither: the .env's


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"requests_channel": "D0DIRECT1"}, CHANNEL, "public or private channel"),
        ({"users": ("UREV00001", "SREVGROUP")}, USERS, "user group goes in the field below"),
        ({"users": tuple(f"U{n:08d}" for n in range(51))}, USERS, "at most 50"),
        ({"group": "reviewers"}, GROUP, "starts with S"),
        ({"digest_day": "9"}, DIGEST_DAY, "day of the week"),
        ({"domains": "people"}, DOMAINS, "Line 1: write a channel id, a colon and domains"),
        ({"domains": "C0PEOPLE1: people\nC0PEOPLE1: engineering"}, DOMAINS, "Line 2: C0PEOPLE1 is named twice"),
        ({"domains": "C0PEOPLE1: sales"}, DOMAINS, "no sense is in the domain 'sales'. Domains: data science"),
        ({"domains": "#general: people"}, DOMAINS, "Line 1: write a channel id"),
    ],
)
def test_a_bad_field_is_named_with_its_fix_and_nothing_is_saved(workspaces, fields, field, says):
    errors = save(workspaces, **{"requests_channel": "CTRIAGE01", **fields})
    assert says in errors[field], errors
    assert workspaces.saved("T0000001") is None  # not half a form: nothing at all
    assert workspaces.effective_settings("T0000001").requests_channel == "CENVCHAN1"


def test_domains_are_matched_whatever_the_case_typed_and_kept_as_the_glossary_writes_them():
    errors, row = validate(SettingsForm(domains="C0PEOPLE1: People,  DATA SCIENCE\n\n"), DOMAINS_KNOWN)
    assert errors == {} and row is not None and row.channel_domains == {"C0PEOPLE1": ("people", "data science")}


def test_the_modal_opens_on_what_was_saved(workspaces):
    save(workspaces, requests_channel="CTRIAGE01", users=("UREV00001",), group="SREVGROUP", domains="CX0000001: people")
    form = form_of(workspaces.saved("T0000001"))
    assert form == SettingsForm("CTRIAGE01", ("UREV00001",), "SREVGROUP", "", "CX0000001: people")
    assert workspaces.form_for(None) == SettingsForm()


def test_a_save_is_seen_at_once_by_the_same_process(workspaces):
    assert workspaces.effective_settings("T0000001").requests_channel == "CENVCHAN1"  # now kept for a while
    save(workspaces, requests_channel="CTRIAGE01")
    assert workspaces.effective_settings("T0000001").requests_channel == "CTRIAGE01"


def test_a_save_without_a_team_is_refused():
    store_less = WorkspaceSettings.__new__(WorkspaceSettings)
    errors = WorkspaceSettings.save(store_less, "", SettingsForm(), by="U1", domains=())
    assert "which workspace" in errors[CHANNEL]


def test_only_admins_and_owners_change_settings():
    assert may_change_settings(is_admin=True, is_owner=False) and may_change_settings(is_admin=False, is_owner=True)
    assert not may_change_settings(is_admin=False, is_owner=False)


def test_the_workspaces_channel_mapping_picks_the_sense_over_the_files(bundled_glossary):
    terminology = bundled_glossary.terminology
    term = bundled_glossary.get("evaluation")
    assert "people" in known_domains(terminology)
    by_file = choose_sense(term, terminology, channel="C0PEOPLE1")
    assert by_file is not None and by_file.why == "order"  # the bundled file maps no channel
    mapped = choose_sense(term, terminology, channel="C0PEOPLE1", domains=("people",))
    assert mapped is not None and mapped.sense.key == "performance-review" and mapped.why == "channel"
    replaced = replace(terminology, channels={"C0PEOPLE1": ("people",)})
    kept = choose_sense(term, replaced, channel="C0PEOPLE1", domains=("engineering",))
    assert kept is not None and kept.sense.key != "performance-review"  # the workspace's mapping beats the file's
