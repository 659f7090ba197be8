"""The MCP resources' text: a term as Markdown laid out the way the glossary's docs site shows it, and the roles."""

from __future__ import annotations

import json

from ..glossary.model import TERM_STATUS_LABELS, RelationKind, Role, Term


def term_markdown(term: Term, roles: dict[str, Role], *, related_names: dict[str, str] | None = None) -> str:
    """The docs site's page for one term: metadata, role takeaways, definitions, framings, examples, governance."""
    names = related_names or {}
    role_names = [roles[r].name if r in roles else r for r in term.roles]
    status = TERM_STATUS_LABELS.get(term.status, term.status)
    reviewed = f" (Last reviewed: {term.last_reviewed})" if term.last_reviewed else ""
    lines = [f"# {term.term}", ""]
    if term.aliases:
        lines.append(f"**Aliases:** {', '.join(term.aliases)}")
    lines += [
        f"**Categories:** {', '.join(term.categories)}",
        f"**Roles:** {', '.join(role_names)}",
        f"**Part of speech:** `{term.part_of_speech}`",
        f"**Status:** {status}{reviewed}",
        "",
    ]
    takeaways = [f"- **{roles[r].name}:** {roles[r].takeaway}" for r in term.roles if r in roles and roles[r].takeaway]
    if takeaways:
        lines += ["## Role takeaways", *takeaways, ""]
    lines += ["## Short definition", term.short_def, "", "## Long definition", term.long_def, ""]
    lines += [
        "## Audience perspectives",
        f"- **Exec:** {term.exec_framing}",
        f"- **Engineer:** {term.engineer_framing}",
        "",
    ]
    if term.examples_do or term.examples_dont:
        lines += ["## Examples", "**Do**", *(f"- {x}" for x in term.examples_do), ""]
        lines += ["**Don't**", *(f"- {x}" for x in term.examples_dont), ""]
    if term.nist_tags or term.risk_notes:
        lines.append("## Governance")
        if term.nist_tags:
            lines.append(f"- **NIST RMF tags:** {', '.join(term.nist_tags)}")
        if term.risk_notes:
            lines.append(f"- **Risk notes:** {term.risk_notes}")
        lines.append("")
    relations = []
    for kind in RelationKind:
        targets = [names.get(r.slug or "", r.target) for r in term.related(kind)]
        if targets:
            relations.append(f"- **{kind.value.capitalize()}:** {', '.join(targets)}")
    if relations:
        lines += ["## Relationships", *relations, ""]
    if term.citations:
        lines += ["## Citations", *(f"- [{c.source}]({c.url})" for c in term.citations), ""]
    lines.append(f"_License: {term.license}_")
    return "\n".join(lines) + "\n"


def roles_json(roles: dict[str, Role]) -> str:
    """Every role: the key to pass as a tool's `role`, its display name and its one-line takeaway."""
    return json.dumps(
        [{"key": r.key, "name": r.name, "takeaway": r.takeaway} for r in roles.values()], indent=2, ensure_ascii=False
    )
