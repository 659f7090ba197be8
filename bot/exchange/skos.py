"""The glossary as SKOS (Turtle or JSON-LD, through rdflib), and SKOS back to term files and a sidecar.

Each term is a skos:Concept in one skos:ConceptScheme: its name and aliases as skos:prefLabel and skos:altLabel,
discouraged labels as skos:hiddenLabel (found, never shown), translations as labels and definitions in their
language, the short definition as skos:definition, the long one as skos:scopeNote, examples as skos:example, and
resolved relationships as skos:broader / skos:narrower / skos:related. What SKOS has no property for (framings,
roles, citations, governance, senses, usage and its reasons) travels in one `gb:record` literal per concept, the
term file and sidecar entry as JSON, so export -> import -> export loses nothing. A SKOS file from elsewhere has
no record: its import builds terms from the SKOS properties and marks what a person must still write.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..glossary.model import RelationKind, Term
from ..glossary.terminology import Terminology
from .records import TODO, Record, records

GB = Namespace("urn:glossary-bot:")
SCHEME = GB["glossary"]
FORMATS = {"turtle": "turtle", "ttl": "turtle", "json-ld": "json-ld", "jsonld": "json-ld", "json": "json-ld"}
_RELATIONS = {
    RelationKind.BROADER: SKOS.broader,
    RelationKind.NARROWER: SKOS.narrower,
    RelationKind.RELATED: SKOS.related,
}


def concept(slug: str) -> URIRef:
    return GB["term/" + slug]


def to_graph(terms: list[Term], terminology: Terminology, title: str = "Glossary") -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("gb", GB)
    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, Literal(title, lang="en")))
    by_slug = {t.slug: t for t in terms}
    for record, term in zip(records(terms, terminology), sorted(terms, key=lambda t: t.slug), strict=True):
        _add_concept(g, record, term, by_slug)
    return g


def _add_concept(g: Graph, record: Record, term: Term, by_slug: dict[str, Term]) -> None:
    c = concept(term.slug)
    g.add((c, RDF.type, SKOS.Concept))
    g.add((c, SKOS.inScheme, SCHEME))
    g.add((c, SKOS.prefLabel, Literal(term.term, lang="en")))
    g.add((c, SKOS.definition, Literal(term.short_def, lang="en")))
    g.add((c, SKOS.scopeNote, Literal(term.long_def, lang="en")))
    for alias in term.aliases:
        g.add((c, SKOS.altLabel, Literal(alias, lang="en")))
    for example in term.examples_do:
        g.add((c, SKOS.example, Literal(example, lang="en")))
    for label in record.layer.get("labels", []):
        kind = SKOS.hiddenLabel if label["usage"] in ("deprecated", "forbidden") else SKOS.altLabel
        g.add((c, kind, Literal(label["label"], lang=label.get("language", "en"))))
    for tag, t in record.layer.get("languages", {}).items():
        g.add((c, SKOS.prefLabel, Literal(t["term"], lang=tag)))
        g.add((c, SKOS.definition, Literal(t["short_def"], lang=tag)))
        for alias in t.get("aliases", []):
            g.add((c, SKOS.altLabel, Literal(alias, lang=tag)))
    for r in term.relations:
        if r.slug in by_slug and not r.derived:
            g.add((c, _RELATIONS[r.kind], concept(r.slug)))
    g.add((c, GB.record, Literal(json.dumps({"term": record.data, "sidecar": record.layer}, ensure_ascii=False))))


def serialise(g: Graph, fmt: str = "turtle") -> str:
    return g.serialize(format=FORMATS[fmt])


def parse(text: str, fmt: str = "turtle") -> Graph:
    g = Graph()
    g.parse(data=text, format=FORMATS[fmt])
    return g


def from_graph(g: Graph) -> tuple[list[Record], list[str]]:
    """Records for every skos:Concept, and notes on what a person must still write (concepts without a record)."""
    found, notes = [], []
    for c in sorted(set(g.subjects(RDF.type, SKOS.Concept)), key=str):
        saved = g.value(c, GB.record)
        if saved is not None:
            data = json.loads(str(saved))
            found.append(Record(data["term"], data.get("sidecar") or {}))
            continue
        record = _from_skos(g, c)
        if record is not None:
            found.append(record)
            notes.append(f"{record.data['term']}: written from SKOS alone; fill in the fields marked {TODO.strip()}")
    return found, notes


def _labels(g: Graph, c: Node, prop: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in g.objects(c, prop):
        if isinstance(value, Literal):
            out.setdefault((value.language or "en").lower(), []).append(str(value))
    return {k: sorted(v) for k, v in out.items()}


def _from_skos(g: Graph, c: Node) -> Record | None:
    """A term from SKOS properties only: what SKOS carries, and TODO where the format needs more."""
    names = _labels(g, c, SKOS.prefLabel)
    if not names:
        return None
    english = (names.get("en") or next(iter(names.values())))[0]
    definitions = _labels(g, c, SKOS.definition)
    alt = _labels(g, c, SKOS.altLabel)
    notes = _labels(g, c, SKOS.scopeNote)
    relationships: dict[str, list[str]] = {}
    for kind, prop in _RELATIONS.items():
        targets = [_labels(g, t, SKOS.prefLabel) for t in g.objects(c, prop)]
        relationships[kind.value] = sorted((t.get("en") or [""])[0] for t in targets if t)
    data: dict[str, Any] = {
        "term": english,
        "aliases": alt.get("en") or [TODO + "an alias"],
        "categories": [TODO + "a category"],
        "roles": ["engineering"],
        "part_of_speech": "concept",
        "short_def": (definitions.get("en") or [TODO + "a short definition"])[0],
        "long_def": (notes.get("en") or [TODO + "a long definition of 80 to 220 words"])[0],
        "audiences": {"exec": TODO + "the executives' framing", "engineer": TODO + "the engineers' framing"},
        "examples": {"do": [TODO + "an example"], "dont": [TODO + "a counter-example"]},
        "governance": {},
        "relationships": relationships,
        "citations": [{"source": TODO + "a source", "url": "https://example.org/"}],
        "license": "CC BY-SA 4.0",
        "status": "draft",
        "last_reviewed": dt.date.today().isoformat(),
    }
    languages = {
        tag: {"term": label[0], "short_def": (definitions.get(tag) or [TODO + "a short definition"])[0]}
        for tag, label in names.items()
        if tag != "en"
    }
    return Record(data, {"languages": languages} if languages else {})
