"""Every request with its answers and votes, as CSV or JSON, for reports and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .rules import TermRequest

COLUMNS = (
    "id",
    "kind",
    "term",
    "status",
    "votes",
    "voters",
    "requester",
    "anonymous",
    "aliases",
    "seen_where",
    "why",
    "audiences",
    "urgency",
    "links",
    "reviewer",
    "resolution",
    "linked_slug",
    "duplicate_of",
    "created_at",
    "updated_at",
)


def request_row(r: TermRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "term": r.term,
        "status": r.status,
        "votes": r.votes,
        "voters": list(r.voters),
        "requester": r.requester,
        "anonymous": r.anonymous,
        "aliases": r.aliases,
        "seen_where": r.seen_where,
        "why": r.why,
        "audiences": list(r.audiences),
        "urgency": r.urgency,
        "links": list(r.links),
        "reviewer": r.reviewer,
        "resolution": r.resolution,
        "linked_slug": r.linked_slug,
        "duplicate_of": r.duplicate_of,
        "created_at": r.created_at.isoformat(),
        "updated_at": r.updated_at.isoformat(),
    }


def to_json(requests: list[TermRequest]) -> str:
    return json.dumps([request_row(r) for r in requests], indent=2, ensure_ascii=False)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> object:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe.

    Anyone in Slack can file a request, so its term or reason may be `=HYPERLINK(...)`. Numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(requests: list[TermRequest]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for r in requests:
        row = request_row(r)
        for key in ("voters", "audiences", "links"):
            row[key] = " ".join(row[key])  # one cell each; ids, keys and URLs hold no spaces
        writer.writerow({key: spreadsheet_text(value) for key, value in row.items()})
    return out.getvalue()
