"""Every request with its answers and votes, as CSV or JSON, for reports and spreadsheets; with
`histories`, each request's history too (who did what, when), the only place outside Slack it shows."""

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


Histories = dict[int, list[dict[str, Any]]]  # request id -> its history rows, oldest first


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> object:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe.

    Anyone in Slack can file a request, so its term or reason may be `=HYPERLINK(...)`. Numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def history_entry(row: dict[str, Any]) -> dict[str, Any]:
    at = row["at"]
    return {
        "at": at.isoformat() if hasattr(at, "isoformat") else str(at),
        "actor": row["actor"],
        "action": row["action"],
        "from_status": row.get("from_status"),
        "to_status": row.get("to_status"),
        "note": row.get("note") or "",
    }


def history_line(entry: dict[str, Any]) -> str:
    """One history entry in one line, for a spreadsheet cell: `at actor action [from -> to] [note]`."""
    moved = f" {entry['from_status'] or '-'} -> {entry['to_status']}" if entry["to_status"] else ""
    note = f" {' '.join(entry['note'].split())}" if entry["note"] else ""
    return f"{entry['at']} {entry['actor']} {entry['action']}{moved}{note}"


def to_json(requests: list[TermRequest], histories: Histories | None = None) -> str:
    rows = []
    for r in requests:
        row = request_row(r)
        if histories is not None:
            row["history"] = [history_entry(h) for h in histories.get(r.id, [])]
        rows.append(row)
    return json.dumps(rows, indent=2, ensure_ascii=False)


def to_csv(requests: list[TermRequest], histories: Histories | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS if histories is None else (*COLUMNS, "history"))
    writer.writeheader()
    for r in requests:
        row = request_row(r)
        for key in ("voters", "audiences", "links"):
            row[key] = " ".join(row[key])  # one cell each; ids, keys and URLs hold no spaces
        if histories is not None:
            # One cell, one entry a line: the csv module quotes it, spreadsheets show the lines.
            row["history"] = "\n".join(history_line(history_entry(h)) for h in histories.get(r.id, []))
        writer.writerow({key: spreadsheet_text(value) for key, value in row.items()})
    return out.getvalue()
