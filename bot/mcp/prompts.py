"""The MCP prompts (ready-made requests a person picks in their assistant) and argument completion.

Each prompt hands the model the glossary's own text for the terms involved, so the answer quotes the reviewed
definitions instead of the model's memory, and asks it to cite each term's docs URL and say when a term is a
draft or deprecated. Completion offers term names, categories, role keys and slugs as a person types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, Completion, CompletionArgument, PromptReference, ResourceTemplateReference

from ..glossary.model import Framing, Role, Term, TermStatus
from ..glossary.names import normalise
from ..glossary.scan import MAX_TEXT
from ..runtime import Runtime
from . import listing, tools

PACK_SIZE = 25  # terms in an onboarding pack: enough for a first week, few enough to read
COMPLETIONS = 20
CITE = (
    "Quote the glossary's definitions rather than your own words, cite each term's docs URL when it has one, "
    "and say so when a term is a draft (not settled yet) or deprecated (no longer in use)."
)
SETTLED_FIRST = {TermStatus.APPROVED: 0, TermStatus.REVIEWED: 1, TermStatus.DRAFT: 2, TermStatus.DEPRECATED: 3}


def _bad(message: str) -> MCPError:
    return MCPError(INVALID_PARAMS, message)


def _term_block(runtime: Runtime, term: Term, framing: Framing | None, role: Role | None) -> str:
    entry = tools.entry(runtime, term, framing, role.key if role else None)
    lines = [f"## {term.term} ({entry['status']})", f"Short definition: {term.short_def}"]
    lines += [f"{name.capitalize()} framing: {text}" for name, text in entry["framings"].items()]
    if "role" in entry:
        lines.append(f"For {entry['role']['name']}: {entry['role']['takeaway']}")
    if "docs_url" in entry:
        lines.append(f"Docs: {entry['docs_url']}")
    return "\n".join(lines)


def _resolve(runtime: Runtime, name: str, argument: str) -> Term:
    if not name.strip():
        raise _bad(f"'{argument}' is empty; send a glossary term's name.")
    result = runtime.glossary.find(name)
    if result.term is not None:
        return result.term
    near = ", ".join(m.term.term for m in result.matches[:3])
    hint = f" Did you mean {near}?" if near else " completion/complete offers the glossary's names."
    raise _bad(f"'{argument}': the glossary has no term named {name!r}.{hint}")


def _role(runtime: Runtime, typed: str | None, person: str | None) -> Role | None:
    if typed and typed.strip():
        try:
            return listing.matching_role(runtime.roles, typed)
        except tools.BadArgument as exc:
            raise _bad(str(exc)) from exc
    return runtime.preferred(person)[1] if person else None


def add_prompts(server: MCPServer[Any], runtime: Runtime, person: Callable[[], str | None]) -> None:
    @server.prompt(title="Explain this text for my role")
    def explain_for_my_role(text: str, role: str | None = None) -> str:
        """Explain a message or document for a reader in a role (yours, when you are signed in), grounded in
        the glossary's definitions of every term it uses."""
        if not text.strip() or len(text) > MAX_TEXT:
            raise _bad(f"'text' must hold the words to explain, 1 to {MAX_TEXT} characters.")
        who = person()
        reader = _role(runtime, role, who)
        framing = runtime.preferred(who)[0] if who else None
        found = runtime.glossary.scan(text)
        blocks = "\n\n".join(_term_block(runtime, f.term, framing, reader) for f in found) or "(none)"
        audience = reader.name if reader else "a colleague new to the subject"
        return (
            f"Explain the text below for a reader in {audience}. Define each glossary term it uses as the glossary "
            f"does, and say what it means for that reader. {CITE}\n\n# Glossary terms in the text\n\n{blocks}\n\n"
            f"# The text\n\n{text}"
        )

    @server.prompt(title="Onboarding pack for a role")
    def onboarding_pack(role: str, category: str | None = None) -> str:
        """The terms someone new in a role should know first (reviewed ones first), as a short onboarding pack;
        optionally within one category (any case, or the start of its name)."""
        reader = _role(runtime, role, None)
        if reader is None:
            raise _bad(f"'role' is empty; send one of {', '.join(runtime.roles)}.")
        categories = sorted({c for t in runtime.glossary.terms.values() for c in t.categories})
        wanted = set(listing.matching_categories(categories, category)) if category and category.strip() else None
        if wanted == set():
            raise _bad(f"'category': no category starts with {category!r}; categories: {', '.join(categories)}.")
        terms = [
            t
            for t in runtime.glossary.terms.values()
            if reader.key in t.roles and (wanted is None or wanted & set(t.categories))
        ]
        terms.sort(key=lambda t: (SETTLED_FIRST.get(t.status, 9), normalise(t.term)))
        blocks = "\n\n".join(_term_block(runtime, t, None, reader) for t in terms[:PACK_SIZE]) or "(none yet)"
        return (
            f"Write an onboarding pack for someone joining as {reader.name}: group the terms below into a few "
            f"themes, give each its glossary definition and what it means for this role, and end with three "
            f"questions to check understanding. {CITE}\n\n# Terms for {reader.name}\n\n{blocks}"
        )

    @server.prompt(title="Compare two terms")
    def compare_terms(first: str, second: str) -> str:
        """Compare two glossary terms: what each means, how they differ, and when to use which."""
        one, other = _resolve(runtime, first, "first"), _resolve(runtime, second, "second")
        if one.slug == other.slug:
            raise _bad(f"'second' names the same term as 'first' ({one.term}); send two different terms.")
        framing = runtime.preferred(who)[0] if (who := person()) else None
        blocks = "\n\n".join(_term_block(runtime, t, framing, None) for t in (one, other))
        return (
            f"Compare {one.term} and {other.term} for a colleague: what each means according to the glossary, how "
            f"they differ, and when to use which. {CITE}\n\n{blocks}"
        )

    add_completions(server, runtime)


def add_completions(server: MCPServer[Any], runtime: Runtime) -> None:
    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: Any
    ) -> Completion | None:
        """Term names for `first`/`second`, role keys for `role`, categories for `category`, slugs for a term page."""
        values = suggestions(runtime, argument.name, argument.value)
        if values is None:
            return None
        return Completion(values=values[:COMPLETIONS], total=len(values), has_more=len(values) > COMPLETIONS)


def suggestions(runtime: Runtime, argument: str, typed: str) -> list[str] | None:
    glossary = runtime.glossary
    if argument in ("first", "second", "term"):
        return [t.term for t in glossary.complete(typed, COMPLETIONS)]
    if argument == "slug":
        return [t.slug for t in glossary.complete(typed, COMPLETIONS)]
    wanted = normalise(typed)
    if argument == "role":
        return [r.key for r in runtime.roles.values() if _starts(wanted, r.key, r.name)]
    if argument == "category":
        return [c for c in sorted({c for t in glossary.terms.values() for c in t.categories}) if _starts(wanted, c)]
    return None


def _starts(wanted: str, *names: str) -> bool:
    return any(normalise(n.replace("_", " ")).startswith(wanted) for n in names)
