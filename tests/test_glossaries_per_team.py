"""Which glossary (issue 23, item 5): one for every team by default; GLOSSARIES gives a workspace (T…) or a Grid
org (E…) a term folder of its own, each built and served like the default one. A bad mapping is one line."""

from __future__ import annotations

import pytest
from paths import BUNDLED_TERMS
from termfactory import term_data, write_glossary

from bot.cli.main import main
from bot.config import Settings, SettingsError
from bot.runtime import Runtime
from bot.workspaces.glossaries import Glossaries, index_path


def test_glossaries_reads_teams_and_orgs_with_their_folders(tmp_path):
    settings = Settings.from_env({"GLOSSARIES": f" T0TEAMB01={tmp_path / 'b'} , E0ORG0001={tmp_path / 'c'}"})
    assert settings.glossaries == (("T0TEAMB01", tmp_path / "b"), ("E0ORG0001", tmp_path / "c"))
    assert Settings.from_env({}).glossaries == ()


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("/srv/terms", "GLOSSARIES must be team or org ids with term folders"),
        ("general=/srv/terms", "'general=/srv/terms' is not"),
        ("T0TEAMB01=", "'T0TEAMB01=' is not"),
        ("T0TEAMB01=/a,T0TEAMB01=/b", "GLOSSARIES names T0TEAMB01 twice"),
    ],
)
def test_a_bad_mapping_is_named_with_its_fix(value, says):
    with pytest.raises(SettingsError, match=says) as raised:
        Settings.from_env({"GLOSSARIES": value})
    assert "\n" not in str(raised.value)


def test_a_folder_that_is_not_there_stops_the_start_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GLOSSARY_DIR", str(BUNDLED_TERMS))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GLOSSARIES", f"T0TEAMB01={tmp_path / 'missing'}")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GLOSSARIES: T0TEAMB01=" in err and "is not a folder" in err


def test_a_bad_mapping_at_start_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("GLOSSARIES", "T0TEAMB01")
    with pytest.raises(SystemExit) as stopped:
        main(["check"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GLOSSARIES must be team or org ids" in err


def test_each_team_answers_from_its_own_glossary(tmp_path):
    team_b = write_glossary(tmp_path / "b", term_data("quokka ops"))
    org_c = write_glossary(tmp_path / "c", term_data("wombat review"))
    settings = Settings(
        glossary_dir=BUNDLED_TERMS,
        data_dir=tmp_path / "var",
        glossaries=(("T0TEAMB01", team_b), ("E0ORG0001", org_c)),
    )
    runtime = Runtime.open(settings)
    try:
        default, b = runtime.for_glossary("T0TEAMA01"), runtime.for_glossary("T0TEAMB01")
        in_org, b_in_org = (
            runtime.for_glossary("T0TEAMD01", "E0ORG0001"),
            runtime.for_glossary("T0TEAMB01", "E0ORG0001"),
        )
        assert default is runtime and runtime.for_glossary(None) is runtime
        assert b.glossary.resolve("quokka ops").status == "hit"
        assert default.glossary.resolve("quokka ops").status != "hit"
        assert default.glossary.resolve("rag").status == "hit" and b.glossary.resolve("rag").status != "hit"
        assert in_org.glossary.resolve("wombat review").status == "hit"
        assert b_in_org is b  # the team's own folder before its org's
        # Everything but the glossary is shared: one state database, one outbox.
        assert b.store is runtime.store and b.outbox is runtime.outbox and b.live is not runtime.live
        assert (tmp_path / "var" / "glossary-T0TEAMB01.db").exists()
    finally:
        runtime.close()


def test_one_glossary_for_every_team_by_default(tmp_path):
    glossaries = Glossaries(default=object())  # type: ignore[arg-type]
    assert glossaries.key_for("T0TEAMA01", "E0ORG0001") == "" and glossaries.live("") is glossaries.default
    assert index_path(tmp_path, "T1") != index_path(tmp_path, "E1")
