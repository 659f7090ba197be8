"""Export and import: SKOS (rdflib) and TBX-Basic round trips on the bundled glossary lose nothing both sides
model; the Vale vocabulary and CSV come from the usage statuses; imports write files `check` reads."""

from __future__ import annotations

import csv
import io
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from paths import BUNDLED_TERMS
from rdflib import SKOS, Graph, Literal
from rdflib.compare import isomorphic

from bot.cli.main import main
from bot.exchange import skos, tbx
from bot.glossary.load import load_glossary
from bot.glossary.sidecar import load_terminology

ROOT_SIDECAR = BUNDLED_TERMS.parent / "terminology.yml"


def export(capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["export", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_skos_round_trip_on_the_bundled_glossary_is_lossless(tmp_path, capsys, fmt):
    first = tmp_path / ("g.ttl" if fmt == "turtle" else "g.jsonld")
    export(capsys, "--format", "skos", "--out", str(first))
    graph = Graph().parse(first, format=fmt)  # the file parses with rdflib
    assert len(set(graph.subjects(predicate=SKOS.inScheme))) == 153
    evaluation = skos.concept("evaluation")
    assert (evaluation, SKOS.prefLabel, Literal("évaluation", lang="fr")) in graph
    assert (evaluation, SKOS.hiddenLabel, Literal("model testing", lang="en")) in graph
    assert main(["import", "--format", "skos", str(first), "--out", str(tmp_path / "back")]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "back" / "terms")]) == 0
    assert "153 terms loaded, 0 errors, 0 warnings" in capsys.readouterr().out
    second = tmp_path / ("g2.ttl" if fmt == "turtle" else "g2.jsonld")
    export(capsys, "--glossary", str(tmp_path / "back" / "terms"), "--format", "skos", "--out", str(second))
    assert isomorphic(graph, Graph().parse(second, format=fmt))


def test_tbx_round_trip_on_the_bundled_glossary_is_lossless(tmp_path, capsys):
    first = export(capsys, "--format", "tbx")
    root = ET.fromstring(first)
    ns = {"t": tbx.NS}
    assert root.get("type") == "TBX-Basic" and len(root.findall(".//t:conceptEntry", ns)) == 153
    lying = [s for s in root.iter(f"{{{tbx.NS}}}termSec") if s.findtext("t:term", namespaces=ns) == "lying"][0]
    notes = [n.text for n in lying.findall("t:note", ns)]
    assert "forbidden: a model has no intent to deceive; say what it got wrong and how we catch it" in notes
    assert lying.find("t:termNote", ns).text == "deprecatedTerm-admn-sts"  # TBX-Basic's nearest status
    # Imported over a copy of the term files: TBX's fields from the file, the others kept from the copy.
    shutil.copytree(BUNDLED_TERMS, tmp_path / "back" / "terms")
    (tmp_path / "g.tbx").write_text(first, encoding="utf-8")
    assert main(["import", "--format", "tbx", str(tmp_path / "g.tbx"), "--out", str(tmp_path / "back")]) == 0
    second = export(capsys, "--glossary", str(tmp_path / "back" / "terms"), "--format", "tbx")
    assert second == first
    back = load_glossary(tmp_path / "back" / "terms")
    terminology = load_terminology(tmp_path / "back" / "terminology.yml", {t.slug: t for t in back.terms})
    assert back.problems == [] and terminology.problems == []
    assert terminology.label("lying").label.usage == "forbidden"


def test_tbx_imported_into_an_empty_folder_fails_check_only_where_a_person_must_write(tmp_path, capsys):
    (tmp_path / "g.tbx").write_text(export(capsys, "--format", "tbx"), encoding="utf-8")
    assert main(["import", "--format", "tbx", str(tmp_path / "g.tbx"), "--out", str(tmp_path / "new")]) == 0
    result = load_glossary(tmp_path / "new" / "terms")
    assert result.errors and all("placeholder" in p.message for p in result.errors)
    assert {p.field.split("[")[0] for p in result.errors} == {
        "long_def",
        "audiences.exec",
        "audiences.engineer",
        "examples.do",
        "examples.dont",
    }


def test_skos_from_elsewhere_becomes_drafts_with_what_skos_carries(tmp_path, capsys):
    (tmp_path / "other.ttl").write_text(
        """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<urn:x:ic> a skos:Concept ; skos:prefLabel "individual contributor"@en, "contributeur individuel"@fr ;
  skos:altLabel "IC"@en ; skos:definition "Someone who does the work rather than manage people."@en .
""",
        encoding="utf-8",
    )
    assert main(["import", "--format", "skos", str(tmp_path / "other.ttl"), "--out", str(tmp_path / "o")]) == 0
    assert "written from SKOS alone" in capsys.readouterr().out
    result = load_glossary(tmp_path / "o" / "terms")
    assert all("placeholder" in p.message for p in result.errors) and result.errors
    text = (tmp_path / "o" / "terms" / "individual-contributor.yml").read_text(encoding="utf-8")
    assert "IC" in text and "Someone who does the work" in text
    assert "contributeur individuel" in (tmp_path / "o" / "terminology.yml").read_text(encoding="utf-8")


def test_a_file_that_is_not_skos_or_tbx_is_one_clear_line(tmp_path, capsys):
    (tmp_path / "bad.tbx").write_text("<tbx><unclosed></tbx>", encoding="utf-8")
    assert main(["import", "--format", "tbx", str(tmp_path / "bad.tbx"), "--out", str(tmp_path / "x")]) == 1
    assert "is not valid TBX" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_vale_vocabulary_comes_from_the_usage_statuses(tmp_path, capsys):
    assert main(["export", "--format", "vale", "--out", str(tmp_path / "styles")]) == 0
    folder = tmp_path / "styles" / "config" / "vocabularies" / "Glossary"
    accept = (folder / "accept.txt").read_text(encoding="utf-8").splitlines()
    reject = (folder / "reject.txt").read_text(encoding="utf-8").splitlines()
    assert "[Mm]odel testing" in reject and "[Ll]ying" in reject and "[Oo]pen-source model" in reject
    assert "[Ee]valuation" in accept and "[Mm]odel testing" not in accept and len(reject) >= 5
    assert not [p for p in accept + reject if "\\ " in p]  # Go's regexp (Vale's) refuses an escaped space
    for label in ("model testing", "Model testing", "open-source model", "GPT", "AI employee"):
        assert any(re.fullmatch(p, label) for p in reject), label
    assert any(re.fullmatch(p, "10^25 FLOP") for p in accept)  # metacharacters escaped


def test_csv_has_one_row_per_label_with_what_to_say_instead(capsys):
    rows = list(csv.DictReader(io.StringIO(export(capsys, "--format", "csv"))))
    by_label = {(r["slug"], r["label"]): r for r in rows}
    testing = by_label[("evaluation", "model testing")]
    assert testing["usage"] == "deprecated" and testing["use_instead"] == "evaluation"
    assert by_label[("evaluation", "évaluation")]["language"] == "fr"
    assert by_label[("evaluation", "evaluation")]["usage"] == "preferred"
    assert ROOT_SIDECAR.is_file()
