"""Terms and their sidecar layers as the plain data of the files they are written in, and back to files.

Every format here goes through these: an export reads the loaded glossary, an import builds the same data and
writes it as term files (the 15 keys, in the scaffold's order) and a sidecar a reviewer can read and commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..glossary.model import RELATION_KINDS, Term, slugify
from ..glossary.rules import KEYS
from ..glossary.terminology import Sense, Terminology, TermLayer

TERM_KEYS = KEYS  # the 15 keys of a term file, in their order: one list, the validator's
TODO = "TODO: "  # what `check` refuses: a field the source format does not carry, for a person to write


@dataclass
class Record:
    """One term as files hold it: the term file's data, and its sidecar entry (empty when it has none)."""

    data: dict[str, Any]
    layer: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return slugify(str(self.data.get("term", "")))


def term_data(term: Term) -> dict[str, Any]:
    """The term file's 15 keys for a loaded term; links the loader derived are not written back."""
    governance: dict[str, Any] = {}
    if term.nist_tags:
        governance["nist_rmf_tags"] = list(term.nist_tags)
    if term.risk_notes:
        governance["risk_notes"] = term.risk_notes
    own = [r for r in term.relations if not r.derived]
    return {
        "term": term.term,
        "aliases": list(term.aliases),
        "categories": list(term.categories),
        "roles": list(term.roles),
        "part_of_speech": term.part_of_speech,
        "short_def": term.short_def,
        "long_def": term.long_def,
        "audiences": {"exec": term.exec_framing, "engineer": term.engineer_framing},
        "examples": {"do": list(term.examples_do), "dont": list(term.examples_dont)},
        "governance": governance,
        "relationships": {kind.value: [r.target for r in own if r.kind == kind] for kind in RELATION_KINDS},
        "citations": [{"source": c.source, "url": c.url} for c in term.citations],
        "license": term.license,
        "status": term.status.value,
        "last_reviewed": term.last_reviewed,
    }


def _sense_data(sense: Sense) -> dict[str, Any]:
    out: dict[str, Any] = {"key": sense.key, "name": sense.name, "short_def": sense.short_def}
    if sense.exec_framing or sense.engineer_framing:
        out["audiences"] = {"exec": sense.exec_framing, "engineer": sense.engineer_framing}
    for key in ("domains", "roles", "related"):
        if getattr(sense, key):
            out[key] = list(getattr(sense, key))
    return out


def layer_data(layer: TermLayer, term: Term) -> dict[str, Any]:
    """The sidecar entry of a term, as sidecar.py reads it; empty when the sidecar says nothing of it."""
    out: dict[str, Any] = {}
    main: dict[str, Any] = {}
    if layer.main_name and layer.main_name != term.term:
        main["name"] = layer.main_name
    if layer.main_domains:
        main["domains"] = list(layer.main_domains)
    if layer.main_roles:
        main["roles"] = list(layer.main_roles)
    if main:
        out["sense"] = main
    if layer.senses:
        out["senses"] = [_sense_data(s) for s in layer.senses]
    if layer.labels:
        out["labels"] = [
            {
                "label": label.text,
                "usage": label.usage.value,
                **({"language": label.language} if label.language != "en" else {}),
                **({"why": label.why} if label.why else {}),
            }
            for label in layer.labels
        ]
    if layer.translations:
        out["languages"] = {
            t.language: {
                "term": t.term,
                **({"aliases": list(t.aliases)} if t.aliases else {}),
                "short_def": t.short_def,
                **(
                    {"audiences": {"exec": t.exec_framing, "engineer": t.engineer_framing}}
                    if t.exec_framing or t.engineer_framing
                    else {}
                ),
            }
            for t in layer.translations
        }
    return out


def records(terms: list[Term], terminology: Terminology) -> list[Record]:
    """Every term with its sidecar entry, by slug: the order every export writes."""
    return [Record(term_data(t), layer_data(terminology.layer(t.slug), t)) for t in sorted(terms, key=_by_slug)]


def _by_slug(term: Term) -> str:
    return term.slug


def write_records(found: list[Record], out_dir: Path) -> tuple[Path, list[Path]]:
    """Term files under out_dir/terms/ and the sidecar beside them (out_dir/terminology.yml), as `check` reads
    them. Existing files of the same names are replaced: the folder is meant to be reviewed as a diff."""
    terms_dir = out_dir / "terms"
    terms_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for record in found:
        path = terms_dir / f"{record.slug}.yml"
        data = {key: record.data[key] for key in TERM_KEYS if key in record.data}
        path.write_text(_dump(data), encoding="utf-8")
        written.append(path)
    layers = {r.slug: r.layer for r in found if r.layer}
    sidecar = out_dir / "terminology.yml"
    head = '# Senses, usage and languages (README: "Senses, usage and languages"), written by `python -m bot import`.\n'
    sidecar.write_text(head + _dump({"channels": {}, "terms": layers}), encoding="utf-8")
    return sidecar, written


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
