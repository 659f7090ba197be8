"""The MCP tools as plain functions over the core: a runtime and arguments in, a dict (shapes.py) out.

Nothing here knows MCP; server.py registers these and turns BadArgument into a protocol error. An
unknown term is not an error: it is a lookup result like any other (status "miss").
"""

from __future__ import annotations

import re

from ..answers.ask import Asked, answer_question
from ..glossary.lookup import LookupResult
from ..glossary.lookup import Match as LookupMatch
from ..glossary.model import Framing, LookupStatus, RelationKind, Role, Term
from ..glossary.senses import as_read, choose_sense
from ..glossary.terminology import UsageNote
from ..runtime import Runtime, discouraged_labels
from ..term_requests.rules import PersonRefused, RequestForm, validate
from .shapes import (
    DefineResult,
    ExplainResult,
    FoundTerm,
    Match,
    Related,
    RelatedResult,
    RequestResult,
    SayInstead,
    SearchResult,
    TermEntry,
)

SURFACE = "mcp"  # how the lookup analytics name lookups made through this server
AGENT = "agent"  # the requester recorded when an agent does not say who it asks for
REQUESTER_MAX = 60
SEEN_WHERE = "Asked by an AI agent through the glossary's MCP server."


class BadArgument(ValueError):
    """An argument the glossary cannot use; the message says which and what to send instead."""


def _required(name: str, value: str) -> str:
    if not value.strip():
        raise BadArgument(f"'{name}' is empty; send the words to look for.")
    return value


def _framing(value: str | None) -> Framing | None:
    if value is None:
        return None
    framing = Framing.parse(value)
    if framing is None:
        raise BadArgument(f"'framing' must be 'exec' or 'engineer', not {value!r}.")
    return framing


def _match(m: LookupMatch) -> Match:
    return {
        "slug": m.term.slug,
        "term": m.term.term,
        "score": round(m.score, 1),
        "matched": m.matched,
        "short_def": m.term.short_def,
    }


def _related(runtime: Runtime, term: Term, kind: RelationKind) -> list[Related]:
    found: list[Related] = []
    for rel in term.related(kind):
        target = runtime.glossary.get(rel.slug) if rel.slug else None
        found.append(
            {"kind": kind.value, "term": target.term if target else rel.target, "slug": target.slug if target else None}
        )
    return found


def entry(runtime: Runtime, term: Term, framing: Framing | None = None, role: str | None = None) -> TermEntry:
    """One term as an agent reads it: both framings unless one is asked for, a role's takeaway if a role is."""
    framings = (framing,) if framing else (Framing.EXEC, Framing.ENGINEER)
    review = runtime.governance.state(term)
    # A term with several senses: the role's sense, else the first (no channel here), and why (senses.py).
    choice = choose_sense(term, runtime.glossary.terminology, role=role or "")
    shown = as_read(term, runtime.glossary.terminology, sense=choice.sense if choice else None)
    result: TermEntry = {
        "slug": term.slug,
        "term": term.term,
        "status": term.status.value,
        "last_reviewed": term.last_reviewed,
        "short_def": shown.short_def,
        "long_def": term.long_def,
        "framings": {f.value: shown.framing(f) for f in framings if shown.framing(f)},
        "aliases": list(term.aliases),
        "categories": list(term.categories),
        "related": [r for kind in RelationKind for r in _related(runtime, term, kind)],
        "citations": [{"source": c.source, "url": c.url} for c in term.citations],
        "license": term.license,
        "stale": review.stale,
        "due_since": review.due_since.isoformat() if review.due_since else None,
        "verified_by": review.verified_by,
        "verified_on": review.verified_on.isoformat() if review.verified_on else None,
    }
    known = _role(runtime, role)
    if known is not None:
        result["role"] = {"key": known.key, "name": known.name, "takeaway": known.takeaway}
    if runtime.settings.glossary_url:
        result["docs_url"] = docs_url(runtime.settings.glossary_url, term.slug)
    if choice is not None:
        result["sense"] = choice.as_dict()  # type: ignore[typeddict-item]  # SenseChoice.as_dict's keys are these
    return result


def say_instead(note: UsageNote) -> SayInstead:
    return {
        "label": note.label,
        "usage": note.usage.value,  # type: ignore[typeddict-item]  # only discouraged labels make a note
        "use_instead": note.slug,
        "why": note.why,
        "sentence": note.sentence,
    }


def _role(runtime: Runtime, role: str | None) -> Role | None:
    if role is None:
        return None
    known = runtime.roles.get(role)
    if known is None:
        raise BadArgument(f"'role' must be one of {', '.join(runtime.roles)}, not {role!r}.")
    return known


def docs_url(site: str, slug: str) -> str:
    """The term's page on the published glossary site, which renders each term at terms/<slug>/."""
    return f"{site.rstrip('/')}/terms/{slug}/"


def _offer(result: LookupResult) -> str:
    return "term" if result.status == LookupStatus.HIT else result.offer


def define(
    runtime: Runtime,
    term: str,
    framing: str | None = None,
    role: str | None = None,
    person: str | None = None,
) -> DefineResult:
    """A term's entry, read as mentions read text: a name, a question ("what is RAG for execs"), a comparison.

    The framing is the one asked for, else the question's framing words, else the signed-in person's saved
    framing (both when none); the role is the one asked for, else the person's saved role."""
    chosen = _framing(framing)
    _role(runtime, role)  # checked before the lookup, so a bad role is refused whatever the term
    text = _required("term", term)
    reply = answer_question(runtime.glossary, text)
    if reply.ask.action in (Asked.DEFINE, Asked.SEARCH):
        result, words_framing, asked = reply.result, reply.framing, reply.asked
    else:  # "help", "browse", "set …": words of Slack's commands, here a plain name to look up
        result, words_framing, asked = runtime.glossary.find(text), None, text
    runtime.record_lookup(SURFACE, asked, result)
    saved_framing, saved_role = runtime.preferred(person) if person else (None, None)
    framing_used = chosen or words_framing or saved_framing
    role_used = role or (saved_role.key if saved_role else None)
    answer: DefineResult = {
        "status": result.status.value,
        "query": term,
        "how": result.how.value,
        "offer": _offer(result),  # type: ignore[typeddict-item]  # LookupResult.offer's words are the Literal's
        "terms": [_match(m) for m in result.matches],
    }
    if result.term is not None:
        answer["definition"] = entry(runtime, result.term, framing_used, role_used)
    if result.compared is not None:
        answer["compared"] = [entry(runtime, t, framing_used, role_used) for t in result.compared]
    if framing_used is not None:
        answer["framing"] = framing_used.value
    if result.usage is not None:
        answer["say_instead"] = say_instead(result.usage)
    return answer


def search(runtime: Runtime, query: str, limit: int = 10) -> SearchResult:
    result = runtime.glossary.search(_required("query", query), limit)
    runtime.record_lookup(SURFACE, query, result)
    return {"query": query, "terms": [_match(m) for m in result.matches]}


def explain_text(runtime: Runtime, text: str, framing: str | None = None, person: str | None = None) -> ExplainResult:
    """Each term in the text once, with the framing asked for, else the signed-in person's saved one."""
    chosen = _framing(framing) or (runtime.preferred(person)[0] if person else None)
    found: list[FoundTerm] = [
        {
            "slug": f.term.slug,
            "term": f.term.term,
            "matched": f.matched,
            "definition": f.term.framing(chosen) if chosen else f.term.short_def,
            "occurrences": [{"start": o.start, "end": o.end, "text": o.text} for o in f.occurrences],
        }
        for f in runtime.glossary.scan(text)
    ]
    result: ExplainResult = {"found": found}
    avoid = discouraged_labels(runtime.glossary, text)
    if avoid:
        result["say_instead"] = [say_instead(n) for n in avoid]
    if chosen is not None:
        result["framing"] = chosen.value
    return result


def related(runtime: Runtime, term: str) -> RelatedResult:
    result = runtime.glossary.find(_required("term", term))
    runtime.record_lookup(SURFACE, term, result)
    found = result.term
    return {
        "status": result.status.value,
        "query": term,
        "terms": [_match(m) for m in result.matches],
        "broader": _related(runtime, found, RelationKind.BROADER) if found else [],
        "narrower": _related(runtime, found, RelationKind.NARROWER) if found else [],
        "related": _related(runtime, found, RelationKind.RELATED) if found else [],
    }


def requester_id(requester: str | None) -> str:
    """Who a request is from: "mcp:" and the name the agent gave (or "agent"), so no Slack id is ever faked."""
    name = re.sub(r"\s+", " ", requester or "").strip()[:REQUESTER_MAX]
    return f"mcp:{name or AGENT}"


def request_term(
    runtime: Runtime, term: str, why: str, requester: str | None = None, person: str | None = None
) -> RequestResult:
    """File a new-term request as Slack's form does: a second ask is a vote, a term the glossary has is refused.

    A signed-in person files as themselves (their Slack user id), so Slack DMs them when the term ships;
    otherwise the request is "mcp:" and the name the agent gave."""
    glossary = runtime.glossary
    form = RequestForm(term=term, why=why, seen_where=SEEN_WHERE)
    errors = validate(form, glossary)
    existing = glossary.resolve(term) if "term" in errors else None
    if existing is not None and existing.matches:
        have = existing.matches[0].term
        message = f"'{term.strip()}' is already in the glossary as '{have.term}'; call define with '{have.slug}'."
        return {"status": "refused", "message": message, "existing_term": _match(existing.matches[0])}
    if errors:
        raise BadArgument(" ".join(f"'{field}': {message}" for field, message in errors.items()))
    try:
        filed = runtime.requests.file(form, person or requester_id(requester))
    except PersonRefused as exc:
        raise BadArgument(str(exc)) from exc
    request = filed.request
    if filed.created:
        status, message = (
            "filed",
            f"Request #{request.id} for '{request.term}' is filed; reviewers answer within five business days.",
        )
    elif filed.voted:
        status, message = (
            "voted",
            f"'{request.term}' was already requested (#{request.id}); this ask was added as a vote.",
        )
    else:
        status, message = "already_asked", f"This requester already asked for '{request.term}' (request #{request.id})."
    if person and status != "already_asked":
        message += " You will get a Slack DM when it is answered."
    return {
        "status": status,  # type: ignore[typeddict-item]  # one of the Literal's words, chosen just above
        "message": message,
        "number": request.id,
        "request_status": request.status.value,
        "votes": request.votes,
    }
