"""The terminology sidecar: senses, usage of labels and languages load, validate with file and line, and
change what lookup, cards and Explain answer. A small glossary of bundled terms with its own sidecar."""

from __future__ import annotations

import json
import shutil

import pytest
from blockkit import assert_no_injection, assert_valid_message
from paths import BUNDLED_ROLES, BUNDLED_TERMS

from bot.answers.cards import Reading, build_card
from bot.cli.main import main
from bot.glossary.live import open_glossary
from bot.glossary.model import LookupStatus, Severity
from bot.glossary.roles import load_roles
from bot.glossary.terminology import Usage
from bot.runtime import discouraged_labels
from bot.slack.cards.card import card_message
from bot.slack.cards.explain import explain_message
from bot.slack.kit.card_state import CardState

ROLES = load_roles(BUNDLED_ROLES)
TERMS = ("evaluation", "ai-agent", "token", "bias", "hallucination")

SIDECAR = """\
channels:
  CPEOPLE01: [people]
  CENG0001: [engineering]
terms:
  evaluation:
    sense: {name: model evaluation, domains: [engineering], roles: [engineering]}
    senses:
      - key: performance-review
        name: performance review
        short_def: "A manager's periodic, written assessment of how a person has worked and grown."
        audiences:
          exec: "Reviews decide pay and promotion, so they need evidence, not impressions."
          engineer: "Write down concrete work and its effect before the review cycle starts."
        domains: [people]
        roles: [product]
    labels:
      - {label: model testing, usage: deprecated, why: "it sounds like unit tests; evaluations measure behaviour"}
      - {label: evals, usage: admitted}
    languages:
      fr:
        term: évaluation
        aliases: [évals]
        short_def: "Mesurer de façon systématique un modèle ou un système d'IA pour juger s'il convient à son usage."
        audiences:
          exec: "Les évaluations prouvent qu'un modèle est prêt ; elles conditionnent chaque lancement."
          engineer: "Tenez des suites de tests versionnées et lancez-les à chaque changement de modèle."
  hallucination:
    labels:
      - {label: lying, usage: forbidden, why: "a model has no intent; say what it got wrong"}
"""


@pytest.fixture
def glossary_dir(tmp_path):
    terms = tmp_path / "terms"
    terms.mkdir()
    for slug in TERMS:
        shutil.copy(BUNDLED_TERMS / f"{slug}.yml", terms / f"{slug}.yml")
    (tmp_path / "terminology.yml").write_text(SIDECAR, encoding="utf-8")
    return terms


@pytest.fixture
def glossary(glossary_dir, tmp_path):
    found, _ = open_glossary(glossary_dir, tmp_path / "g.db")
    return found


def test_a_glossary_with_senses_statuses_and_two_languages_loads_and_validates(glossary):
    terminology = glossary.terminology
    assert terminology.problems == []
    assert set(terminology.layers) == {"evaluation", "hallucination"}
    assert terminology.languages == ("en", "fr")
    assert terminology.domains_of("CPEOPLE01") == ("people",)


def test_check_validates_the_sidecar_beside_the_term_folder(glossary_dir, capsys):
    assert main(["check", str(glossary_dir)]) == 0
    out = capsys.readouterr().out  # five terms of 153: their links to the others warn, the sidecar does not
    assert "5 terms loaded, 0 errors" in out and "terminology.yml" not in out


def test_a_bad_sidecar_gives_file_and_line_and_never_stops_the_rest(glossary_dir, tmp_path, capsys):
    bad = SIDECAR.replace("usage: deprecated", "usage: frowned-upon").replace(
        "  hallucination:", "  no-such-term:\n    labels: []\n  hallucination:"
    )
    (tmp_path / "terminology.yml").write_text(bad, encoding="utf-8")
    found, _ = open_glossary(glossary_dir, tmp_path / "g2.db")
    problems = {p.field: p for p in found.terminology.problems}
    usage = problems["terms.evaluation.labels.0.usage"]
    assert usage.severity == Severity.ERROR and usage.line == 17 and usage.file.endswith("terminology.yml")
    assert "one of preferred, admitted, deprecated, forbidden" in usage.message
    assert problems["terms.no-such-term"].line == 28
    # The broken entries are left out; the good one still applies, and every term still loads.
    assert set(found.terminology.layers) == {"hallucination"} and len(found) == 5
    assert found.find("lying").usage is not None
    assert main(["check", str(glossary_dir)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'terminology.yml'}:17: error: terms.evaluation.labels.0.usage:" in out


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("terms: [\n", 2),  # not YAML
        ("terms:\n  evaluation:\n    senses:\n      - key: Main\n        name: x\n        short_def: y\n", 4),
        ("terms:\n  evaluation:\n    languages:\n      'not a tag!': {term: x, short_def: y}\n", 4),
        ("terms:\n  evaluation:\n    colour: blue\n", 3),
    ],
)
def test_each_kind_of_mistake_is_named_at_its_line(glossary_dir, tmp_path, text, line):
    (tmp_path / "terminology.yml").write_text(text, encoding="utf-8")
    found, _ = open_glossary(glossary_dir, tmp_path / "g3.db")
    assert [p.line for p in found.terminology.problems if p.severity == Severity.ERROR][:1] == [line]
    assert len(found) == 5 and found.find("evaluation").status == LookupStatus.HIT


def test_a_discouraged_label_answers_with_the_term_to_say_instead(glossary):
    result = glossary.find("model testing")
    assert result.status == LookupStatus.HIT and result.term.slug == "evaluation"
    assert result.usage.usage is Usage.DEPRECATED
    assert result.usage.sentence.startswith("We say “evaluation”, not “model testing”: it sounds like unit tests")
    forbidden = glossary.ask("what does lying mean?")
    assert forbidden.term.slug == "hallucination" and forbidden.usage.usage is Usage.FORBIDDEN
    assert forbidden.as_dict()["usage"]["use_instead"] == "hallucination"  # what MCP and --json say
    assert glossary.find("evals").usage is None  # admitted: a plain hit


def test_labels_are_found_in_every_language(glossary):
    assert glossary.find("évaluation").term.slug == "evaluation"
    assert glossary.find("EVALS").term.slug == "evaluation"
    assert glossary.find("évals").term.slug == "evaluation"


def test_the_sense_follows_the_channel_then_the_role_then_the_order(glossary):
    term = glossary.get("evaluation")
    people = build_card(glossary, term, reading=Reading(channel="CPEOPLE01"), role=ROLES["engineering"])
    assert people.sense.sense.key == "performance-review" and people.sense.reason == "this channel is about people"
    assert people.term.short_def.startswith("A manager's periodic")
    by_role = build_card(glossary, term, role=ROLES["product"])
    assert by_role.sense.sense.key == "performance-review" and by_role.sense.reason == "your role is product"
    plain = build_card(glossary, term)
    assert plain.sense.why == "order" and plain.term.short_def == term.short_def
    assert [s.key for s in plain.sense.others] == ["performance-review"]
    engineers = build_card(glossary, term, reading=Reading(channel="CENG0001"), role=ROLES["product"])
    assert engineers.sense.sense.key == "main"  # the channel beats the role
    assert build_card(glossary, glossary.get("token")).sense is None  # one sense: nothing to choose


def test_a_card_in_the_persons_language_with_a_switch(glossary):
    term = glossary.get("evaluation")
    french = build_card(glossary, term, reading=Reading(language="fr-FR"))
    assert french.language == "fr-FR" and french.term.term == "évaluation"
    assert french.term.exec_framing.startswith("Les évaluations")
    message = card_message(french)
    assert_valid_message(message)
    values = [
        e for b in message["blocks"] for e in b.get("elements", []) if e.get("action_id", "").startswith("switch_")
    ]
    english = [CardState.decode(e["value"]) for e in values if e["action_id"].startswith("switch_language")]
    assert english and english[0].language == "en"
    senses = [CardState.decode(e["value"]) for e in values if e["action_id"].startswith("switch_sense")]
    assert senses[0].sense == "performance-review"
    assert build_card(glossary, term, reading=Reading(language="de")).term.term == "evaluation"  # none: English


def test_explain_flags_discouraged_labels_for_the_asker(glossary):
    text = "The bot was lying again; our model testing missed it."
    notes = discouraged_labels(glossary, text)
    assert [(n.label, n.preferred) for n in notes] == [("lying", "hallucination"), ("model testing", "evaluation")]
    message = explain_message(glossary.scan(text), None, notes)
    assert_valid_message(message)
    first = message["blocks"][0]["text"]["text"]
    assert "🚫 We say “hallucination”, not “lying”" in first and "⚠️ We say “evaluation”" in first


def test_usage_notes_and_senses_are_escaped(glossary_dir, tmp_path):
    evil = "<!channel> & <@U123>"
    text = SIDECAR.replace("it sounds like unit tests", evil).replace("name: performance review", f"name: '{evil}'")
    (tmp_path / "terminology.yml").write_text(text, encoding="utf-8")
    found, _ = open_glossary(glossary_dir, tmp_path / "g4.db")
    result = found.find("model testing")
    card = build_card(found, result.term, reading=Reading(usage=result.usage, channel="CPEOPLE01"))
    message = card_message(card)
    assert_valid_message(message)
    assert_no_injection(message)


def test_no_sidecar_changes_nothing(tmp_path):
    terms = tmp_path / "plain"
    shutil.copytree(BUNDLED_TERMS, terms)
    found, _ = open_glossary(terms, tmp_path / "p.db")
    assert found.terminology.layers == {} and found.terminology.problems == []
    assert found.find("model testing").usage is None


def test_check_help_documents_the_sidecar(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "terminology sidecar" in out and "usage: preferred | admitted | deprecated | forbidden" in out


def test_define_on_the_command_line_says_the_sense_and_why(glossary_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    assert main(["define", "--glossary", str(glossary_dir), "model", "testing"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("We say “evaluation”, not “model testing”")
    assert "Sense: model evaluation (shown first because it is the glossary's first sense)" in out
    code = main(["define", "--glossary", str(glossary_dir), "--role", "product", "--json", "evaluation"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["sense"]["sense"] == "performance-review" and data["sense"]["why"] == "role"


def test_mcp_reports_the_sense_and_what_to_say_instead(glossary_dir, tmp_path):
    from bot.config import Settings
    from bot.mcp import tools
    from bot.runtime import Runtime

    runtime = Runtime.open(Settings(glossary_dir=glossary_dir, roles_file=BUNDLED_ROLES, data_dir=tmp_path / "var"))
    try:
        answer = tools.define(runtime, "model testing", role="product")
        assert answer["say_instead"]["use_instead"] == "evaluation" and answer["say_instead"]["usage"] == "deprecated"
        definition = answer["definition"]
        assert definition["sense"]["sense"] == "performance-review" and definition["sense"]["why"] == "role"
        assert definition["short_def"].startswith("A manager's periodic")
        plain = tools.define(runtime, "evaluation")["definition"]
        assert plain["sense"]["why"] == "order" and "say_instead" not in tools.define(runtime, "evaluation")
        explained = tools.explain_text(runtime, "It keeps lying about evaluation results.")
        assert [n["label"] for n in explained["say_instead"]] == ["lying"]
        assert [f["slug"] for f in explained["found"]] == ["evaluation"]  # a label is flagged, not explained
    finally:
        runtime.close()


def test_a_changed_sidecar_applies_at_the_next_reload_without_a_rebuild(glossary_dir, tmp_path):
    from bot.glossary.live import LiveGlossary

    live = LiveGlossary(glossary_dir, tmp_path / "live.db")
    version = live.current.version
    assert live.current.find("model testing").usage is not None
    sidecar = tmp_path / "terminology.yml"
    sidecar.write_text(SIDECAR.replace("model testing", "model quizzing"), encoding="utf-8")
    live.reload()
    assert live.current.version == version  # the same terms: nothing rebuilt
    assert live.current.find("model quizzing").usage is not None
    assert live.current.find("model testing").usage is None
