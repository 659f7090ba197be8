"""The glossary as TBX-Basic (ISO 30042, DCA style) with the standard library's XML, and TBX back to files.

One conceptEntry per term (id = slug): subject fields from the categories, one langSec per language with the
definition and a termSec per label. Usage is TBX's administrativeStatus: preferred, admitted and deprecated map
to their TBX values; TBX-Basic has no "forbidden", so a forbidden label is deprecatedTerm-admn-sts with a note
that starts "forbidden:" (the reason follows), which the import reads back. Part of speech, cross references
(relationships, by name), sources (citations, as external cross references) and the review date travel too.
What TBX-Basic does not carry (long definition, framings, examples, roles, governance, senses) is kept from the
term file already in the import's folder, or marked TODO for a person to write.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from ..glossary.model import Term
from ..glossary.terminology import Terminology
from .records import TODO, Record, records

NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
FORBIDDEN = "forbidden:"
SIDECAR, SIDECAR_ALIAS = "source: terminology sidecar", "source: terminology sidecar and aliases"
POS = {"noun": "noun", "noun_phrase": "noun", "verb": "verb", "adjective": "adjective"}


def _el(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    e = ET.SubElement(
        parent, f"{{{NS}}}{tag}", {k.replace("_", ":") if k == "xml_lang" else k: v for k, v in attrs.items()}
    )
    if text:
        e.text = text
    return e


def to_tbx(terms: list[Term], terminology: Terminology, title: str = "Glossary") -> str:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
    header = _el(_el(_el(root, "tbxHeader"), "fileDesc"), "sourceDesc")
    _el(header, "p", f"{title}: terms, usage and languages exported by glossary-bot")
    body = _el(_el(root, "text"), "body")
    for record in records(terms, terminology):
        _entry(body, record)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _entry(body: ET.Element, record: Record) -> None:
    d, layer = record.data, record.layer
    entry = _el(body, "conceptEntry", id=record.slug)
    for category in d["categories"]:
        _el(entry, "descrip", category, type="subjectField")
    for kind, targets in d["relationships"].items():
        for target in targets:
            _el(entry, "ref", target, type="crossReference", target=kind)
    for c in d["citations"]:
        _el(entry, "xref", c["source"], type="externalCrossReference", target=c["url"])
    _el(_el(entry, "transacGrp"), "date", str(d["last_reviewed"]))
    english = _el(entry, "langSec", **{XML_LANG: "en"})
    _el(english, "descrip", d["short_def"], type="definition")
    marked = {label["label"].casefold() for label in layer.get("labels", [])}
    aliases = {a.casefold() for a in d["aliases"]}
    _term(english, d["term"], "preferred", "", d["part_of_speech"])
    for alias in d["aliases"]:
        if alias.casefold() not in marked:
            _term(english, alias, "admitted", "", "")
    for x in layer.get("labels", []):
        if x.get("language", "en") == "en":
            # Where the label comes from, so the import puts it back there: the sidecar, and the term's aliases too.
            source = SIDECAR_ALIAS if x["label"].casefold() in aliases else SIDECAR
            _term(english, x["label"], x["usage"], x.get("why", ""), "", source)
    for tag, t in layer.get("languages", {}).items():
        section = _el(entry, "langSec", **{XML_LANG: tag})
        _el(section, "descrip", t["short_def"], type="definition")
        _term(section, t["term"], "preferred", "", "")
        for alias in t.get("aliases", []):
            _term(section, alias, "admitted", "", "")


def _term(section: ET.Element, text: str, usage: str, why: str, pos: str, source: str = "") -> None:
    term_sec = _el(section, "termSec")
    _el(term_sec, "term", text)
    if source:
        _el(term_sec, "note", source)
    if pos:
        _el(term_sec, "termNote", POS.get(pos, "other"), type="partOfSpeech")
        _el(term_sec, "note", f"part_of_speech: {pos}")
    _el(term_sec, "termNote", STATUS[usage], type="administrativeStatus")
    if usage == "forbidden" or why:
        _el(term_sec, "note", (f"{FORBIDDEN} " if usage == "forbidden" else "") + why)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def from_tbx(text: str, keep: Path | None = None) -> tuple[list[Record], list[str]]:
    """Records for every conceptEntry; `keep`: a folder of term files whose fields TBX does not carry are kept."""
    root = ET.fromstring(text)  # the standard library refuses external entities; no network, no file reads
    found, notes = [], []
    for entry in root.iter(_q("conceptEntry")):
        record, kept = _record(entry, keep)
        found.append(record)
        if not kept:
            notes.append(f"{record.data['term']}: no term file to keep fields from; fill in those marked TODO")
    return found, notes


def _record(entry: ET.Element, keep: Path | None) -> tuple[Record, bool]:
    slug = entry.get("id") or ""
    existing = _existing(keep, slug)
    data: dict[str, Any] = dict(existing) if existing else _todo_fields()
    data["categories"] = [e.text or "" for e in entry.findall(_q("descrip")) if e.get("type") == "subjectField"]
    relationships: dict[str, list[str]] = {"broader": [], "narrower": [], "related": []}
    for ref in entry.findall(_q("ref")):
        relationships.setdefault(ref.get("target") or "related", []).append(ref.text or "")
    data["relationships"] = relationships
    data["citations"] = [
        {"source": x.text or "", "url": x.get("target") or ""} for x in entry.findall(_q("xref"))
    ] or data["citations"]
    date = entry.find(f"{_q('transacGrp')}/{_q('date')}")
    data["last_reviewed"] = (date.text if date is not None else "") or dt.date.today().isoformat()
    layer: dict[str, Any] = {}
    for section in entry.findall(_q("langSec")):
        tag = section.get(XML_LANG) or "en"
        definition = next((e.text or "" for e in section.findall(_q("descrip")) if e.get("type") == "definition"), "")
        (name, _, _, pos, _), *rest = [_read_term(t) for t in section.findall(_q("termSec"))]
        if tag == "en":
            data.update(term=name, short_def=definition, part_of_speech=pos or data.get("part_of_speech", "concept"))
            data["aliases"] = [t for t, _, _, _, source in rest if source != SIDECAR]
            labels = [_label(t, usage, why) for t, usage, why, _, source in rest if source]
            if labels:
                layer["labels"] = labels
        else:
            aliases = {"aliases": [t for t, *_ in rest]} if rest else {}
            layer.setdefault("languages", {})[tag] = {"term": name, **aliases, "short_def": definition}
    return Record(data, layer), existing is not None


def _label(text: str, usage: str, why: str) -> dict[str, str]:
    return {"label": text, "usage": usage, **({"why": why} if why else {})}


def _read_term(term_sec: ET.Element) -> tuple[str, str, str, str, str]:
    """(label, usage, why, part_of_speech as the term file writes it, where it came from)."""
    text = term_sec.findtext(_q("term")) or ""
    status = next((n.text for n in term_sec.findall(_q("termNote")) if n.get("type") == "administrativeStatus"), "")
    usage = {v: k for k, v in STATUS.items() if k != "forbidden"}.get(status or "", "admitted")
    why, pos, source = "", "", ""
    for note in term_sec.findall(_q("note")):
        value = note.text or ""
        if value in (SIDECAR, SIDECAR_ALIAS):
            source = value
        elif value.startswith("part_of_speech: "):
            pos = value.removeprefix("part_of_speech: ")
        elif value.startswith(FORBIDDEN):
            usage, why = "forbidden", value.removeprefix(FORBIDDEN).strip()
        else:
            why = value
    return text, usage, why, pos, source


def _existing(keep: Path | None, slug: str) -> dict[str, Any] | None:
    path = keep / "terms" / f"{slug}.yml" if keep else None
    if path is None or not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def _todo_fields() -> dict[str, Any]:
    return {
        "term": "",
        "aliases": [],
        "categories": [],
        "roles": ["engineering"],
        "part_of_speech": "concept",
        "short_def": "",
        "long_def": TODO + "a long definition of 80 to 220 words",
        "audiences": {"exec": TODO + "the executives' framing", "engineer": TODO + "the engineers' framing"},
        "examples": {"do": [TODO + "an example"], "dont": [TODO + "a counter-example"]},
        "governance": {},
        "relationships": {},
        "citations": [{"source": TODO + "a source", "url": "https://example.org/"}],
        "license": "CC BY-SA 4.0",
        "status": "draft",
        "last_reviewed": "",
    }
