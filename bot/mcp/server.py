"""`python -m bot mcp`: the glossary's tools and resources for AI agents, over stdio or streamable HTTP.

Written against the MCP Python SDK 2.x high-level server, `mcp.server.mcpserver.MCPServer` (FastMCP
in 1.x): tools are typed functions whose TypedDict return types become their output schemas, and the
SDK checks each result against them. Each tool body is in tools.py; this module only registers them.

Errors: an unknown term is a result (status "miss"). Arguments the tool cannot use, by type or by
meaning, are a JSON-RPC protocol error (-32602, invalid params) with a message saying what to send.
Anything unexpected becomes an error result for that one call; the server itself never stops on input.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ToolAnnotations
from pydantic import Field, ValidationError

from ..config import Settings
from ..glossary.scan import MAX_TEXT
from ..logs import setup_logging
from ..runtime import Runtime
from . import pages, tools
from .auth import BearerAuth, NoTokenError, check_can_serve
from .shapes import DefineResult, ExplainResult, ListResult, RelatedResult, RequestResult, SearchResult

log = logging.getLogger(__name__)
T = TypeVar("T")

# The argument vocabularies, spelled out so each becomes an enum in the input schema (a test holds them
# equal to the core's: ROLE_KEYS and TermStatus).
FramingWord = Literal["exec", "engineer"]
RoleKey = Literal["product", "engineering", "data_science", "policy", "legal", "security", "communications"]
StatusWord = Literal["draft", "reviewed", "approved", "deprecated"]

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
FILES_A_REQUEST = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

INSTRUCTIONS = """This server is a team's reviewed AI glossary: each term has a short and a long definition, an
executive and an engineering framing, a review status, related terms and citations.
Use `define` before explaining a term of the team's jargon, `explain_text` to ground a message or document,
`search` when you only know what a term is about, and `request_term` when the glossary lacks a term someone needs.
Quote the glossary's definitions rather than your own, and say when a term is a draft or deprecated."""


class GlossaryServer(MCPServer):
    """MCPServer whose argument failures are protocol errors, as the glossary's tool contract says."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        if name not in {t.name for t in self._tool_manager.list_tools()}:
            raise MCPError(INVALID_PARAMS, f"Unknown tool {name!r}; tools/list names the tools this server has.")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise MCPError(INVALID_PARAMS, _argument_problems(name, exc.__cause__)) from exc
            raise


def _argument_problems(tool: str, error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"'{where}': {item['msg']}")
    return f"Invalid arguments for {tool}: " + "; ".join(problems)


def _checked(call: Callable[[], T]) -> T:
    """Run a tool body; an argument it cannot use becomes the protocol error its message describes."""
    try:
        return call()
    except tools.BadArgument as exc:
        raise MCPError(INVALID_PARAMS, str(exc)) from exc


Term = Annotated[str, Field(min_length=1, max_length=200, description="A term name, alias or close spelling.")]
Framing = Annotated[
    FramingWord | None,
    Field(description="Which audience framing to return: 'exec' or 'engineer'. Omit it to get both."),
]


def build_server(runtime: Runtime) -> GlossaryServer:
    server = GlossaryServer("glossary", title=runtime.settings.glossary_name, instructions=INSTRUCTIONS)
    _add_lookup_tools(server, runtime)
    _add_request_tool(server, runtime)
    _add_resources(server, runtime)
    return server


def _add_lookup_tools(server: GlossaryServer, runtime: Runtime) -> None:
    """The read-only tools: define, search, explain_text, list_terms, related."""

    @server.tool(annotations=READ_ONLY)
    def define(
        term: Term,
        framing: Framing = None,
        role: Annotated[
            RoleKey | None, Field(description="A reader's role: adds that role's one-line takeaway.")
        ] = None,
    ) -> DefineResult:
        """Look up one glossary term by name, alias or close spelling and return its reviewed definition.

        status "hit": `definition` holds the term (short and long definition, framings, review status,
        last reviewed date, aliases, related terms, citations). "ambiguous": several terms share the name;
        `terms` lists them, call define again with one's slug. "suggestions": no exact name; `terms` are close
        spellings or terms whose definitions mention the words. "miss": the glossary has nothing; consider
        request_term. A draft or deprecated status means the definition is not settled or no longer in use."""
        return _checked(lambda: tools.define(runtime, term, framing, role))

    @server.tool(annotations=READ_ONLY)
    def search(
        query: Annotated[str, Field(min_length=1, max_length=200, description="Words to look for.")],
        limit: Annotated[int, Field(ge=1, le=50, description="How many terms at most (default 10).")] = 10,
    ) -> SearchResult:
        """Find glossary terms whose name, aliases or definitions mention the words, best match first.

        Use it when you know what a term is about but not its name. Each result has its short definition;
        call define with a slug for the whole entry."""
        return _checked(lambda: tools.search(runtime, query, limit))

    @server.tool(annotations=READ_ONLY)
    def explain_text(
        text: Annotated[str, Field(max_length=MAX_TEXT, description="The message or passage to explain.")],
        framing: Framing = None,
    ) -> ExplainResult:
        """Find every glossary term and alias used in a text (plural and inflected forms too), in order of
        first appearance, each with its short definition (or the framing's text if a framing is given) and
        the character offsets where it occurs. Code, links, URLs and Slack mentions are not scanned."""
        return _checked(lambda: tools.explain_text(runtime, text, framing))

    @server.tool(annotations=READ_ONLY)
    def list_terms(
        category: Annotated[str | None, Field(max_length=100, description="Only terms in this category.")] = None,
        role: Annotated[RoleKey | None, Field(description="Only terms for this role.")] = None,
        status: Annotated[StatusWord | None, Field(description="Only terms with this review status.")] = None,
    ) -> ListResult:
        """List glossary terms (name, slug, short definition, review status), optionally filtered by category,
        role or review status. `categories` names every category, to filter by in a next call."""
        return _checked(lambda: tools.list_terms(runtime, category, role, status))

    @server.tool(annotations=READ_ONLY)
    def related(term: Term) -> RelatedResult:
        """The broader, narrower and related terms of a glossary term, each with its slug when the glossary
        has an entry for it (slug null: named by the glossary but not defined in it). When the name is
        ambiguous or unknown, status says so and `terms` lists the candidates, as in define."""
        return _checked(lambda: tools.related(runtime, term))


def _add_request_tool(server: GlossaryServer, runtime: Runtime) -> None:
    """The one tool that writes: a term request, through the same workflow as Slack's."""

    @server.tool(annotations=FILES_A_REQUEST)
    def request_term(
        term: Annotated[str, Field(min_length=1, max_length=100, description="The missing term or phrase.")],
        why: Annotated[
            str,
            Field(min_length=1, max_length=3000, description="Why it matters: the task that needed the term."),
        ],
        requester: Annotated[
            str | None, Field(max_length=60, description="Who the agent is asking for (a name or team), if known.")
        ] = None,
    ) -> RequestResult:
        """Ask the glossary's reviewers to add a term it lacks (use after define returns a miss).

        status "filed": a new request; "voted": someone had already asked, so this counts as a vote;
        "already_asked": this requester had asked already; "refused": the glossary has the term, named in
        existing_term (call define for it). Returns the request's number and status."""
        return _checked(lambda: tools.request_term(runtime, term, why, requester))


def _add_resources(server: GlossaryServer, runtime: Runtime) -> None:
    """Each term as Markdown, the way the docs site shows it, and the reader roles."""

    @server.resource("glossary://terms/{slug}", mime_type="text/markdown", title="Glossary term")
    def term_page(slug: str) -> str:
        """One glossary term as Markdown, laid out as the glossary's docs site shows it."""
        glossary = runtime.glossary
        term = glossary.get(slug)
        if term is None:
            raise ResourceNotFoundError(f"No glossary term has the slug {slug!r}; list_terms lists the slugs.")
        names = {t.slug: t.term for t in glossary.terms.values()}
        return pages.term_markdown(term, runtime.roles, related_names=names)

    @server.resource("glossary://roles", mime_type="application/json", title="Reader roles")
    def roles() -> str:
        """The reader roles: each key (for define's and list_terms' `role`), display name and takeaway."""
        return pages.roles_json(runtime.roles)


def run(settings: Settings, *, http: bool = False, host: str = "127.0.0.1") -> int:
    """Serve until stopped. Exit 2, with one line, when HTTP would be open to other machines with no token."""
    if http:
        try:
            check_can_serve(host, settings.mcp_token)
        except NoTokenError as exc:
            print(f"glossary-bot: {exc}", file=sys.stderr)
            return 2
    # stdout is the stdio transport's wire: every log line goes to stderr, secrets masked.
    setup_logging(settings.log_level, (settings.mcp_token, settings.slack_bot_token))
    runtime = Runtime.open(settings)
    if settings.reload_seconds > 0:
        runtime.live.watch(settings.reload_seconds)
    server = build_server(runtime)
    if not http:
        log.info("serving %d terms to MCP clients over stdio", len(runtime.glossary))
        server.run("stdio")
        return 0
    return _serve_http(server, settings, host)


def _serve_http(server: GlossaryServer, settings: Settings, host: str) -> int:
    import uvicorn

    app: Any = server.streamable_http_app(host=host)
    if settings.mcp_token:
        app = BearerAuth(app, settings.mcp_token)
    auth = "bearer token required" if settings.mcp_token else "loopback only, no token"
    log.info("serving MCP over HTTP at http://%s:%d/mcp (%s)", host, settings.mcp_port, auth)
    uvicorn.run(app, host=host, port=settings.mcp_port, log_level="warning")
    return 0
