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
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, ToolAnnotations
from pydantic import Field, ValidationError

from ..config import Settings
from ..glossary.scan import MAX_TEXT
from ..logs import setup_logging
from ..runtime import Runtime
from . import listing, pages, prompts, tools
from .auth import BearerAuth, NoTokenError, check_can_serve
from .oauth.app import SignInNotReady, check_sign_in, sign_in_wanted, signed_in_app
from .oauth.provider import REQUEST
from .sessions import session_limits, streamable_options
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
executive and an engineering framing, a review status (approved, reviewed, draft, deprecated), related terms,
citations and a docs URL.
- `ask` answers a question in plain words ("what is RAG for execs?", "RAG vs fine-tuning"); `define` looks up a
  term by name, alias or close spelling and reads the same kinds of text. Use them before explaining any of the
  team's jargon, and prefer the glossary's definition to your own.
- `explain_text` grounds a message or document: every glossary term in it, with its definition.
- `search` when you only know what a term is about; `list_terms` to browse by category, role or status;
  `related` for broader and narrower terms.
- `request_term` when `define` or `ask` returns a miss for a term the person needs (it files in their name).
When you quote a definition, cite the term's docs_url when there is one, and say its review status when it is
draft or deprecated (not settled, or no longer in use). When someone is signed in, their saved framing and role
apply unless you pass others."""


def package_version() -> str:
    """The installed glossary-bot's version, for serverInfo: what a client reports when something breaks."""
    try:
        return version("glossary-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def signed_in_person() -> str | None:
    """The Slack user id of the person whose sign-in made this request; None over stdio or the static token."""
    token = get_access_token()
    return token.subject if token is not None and token.subject else None


def may_file_requests() -> bool:
    """stdio and the static token may; a signed-in person only with the glossary:request scope."""
    token = get_access_token()
    return token is None or REQUEST in token.scopes


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

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None, context: Any = None) -> Any:
        """A prompt that does not exist, or arguments it lacks, are the caller's to fix: -32602 too."""
        prompt = self._prompt_manager.get_prompt(name)
        if prompt is None:
            raise MCPError(INVALID_PARAMS, f"Unknown prompt {name!r}; prompts/list names the prompts this server has.")
        known = {a.name for a in prompt.arguments or ()}
        unknown = sorted(set(arguments or {}) - known)
        if unknown:
            raise MCPError(INVALID_PARAMS, f"Prompt {name} takes {', '.join(sorted(known))}, not {', '.join(unknown)}.")
        try:
            return await super().get_prompt(name, arguments, context)
        except ValueError as exc:
            if str(exc).startswith("Missing required arguments"):
                raise MCPError(INVALID_PARAMS, f"{exc} for prompt {name}.") from exc
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


Person = Callable[[], str | None]


def build_server(runtime: Runtime, *, person: Person = signed_in_person) -> GlossaryServer:
    """`person` says who is asking (a Slack user id, or None): the signed-in person by default; tests pass one."""
    server = GlossaryServer(
        "glossary", title=runtime.settings.glossary_name, instructions=INSTRUCTIONS, version=package_version()
    )
    _add_question_tools(server, runtime, person)
    _add_lookup_tools(server, runtime, person)
    _add_request_tool(server, runtime, person)
    _add_resources(server, runtime)
    prompts.add_prompts(server, runtime, person)
    return server


def _add_question_tools(server: GlossaryServer, runtime: Runtime, person: Person) -> None:
    """ask and define: a term, or a question about terms, read as a mention is read."""

    @server.tool(annotations=READ_ONLY)
    def ask(
        question: Annotated[
            str,
            Field(
                min_length=1,
                max_length=300,
                description="A question or phrase as a person would write it: 'what is RAG for execs?', "
                "'RAG vs fine-tuning', 'LoRA'.",
            ),
        ],
    ) -> DefineResult:
        """Answer a question about the team's terms the way the glossary's Slack bot answers a mention.

        Reads question frames ("what does X mean"), framing words ("for execs", "to an engineer") and
        comparisons ("X vs Y", "difference between X and Y"). Returns what define returns; a comparison has
        status "comparison" and both entries in `compared`. `framing` says which framing was applied."""
        return _checked(lambda: tools.define(runtime, question, person=person()))

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
        spellings or terms whose definitions mention the words. "comparison": the text compares two terms
        ("X vs Y"); `compared` holds both. "miss": the glossary has nothing; consider request_term. A draft
        or deprecated status means the definition is not settled or no longer in use. Questions and framing
        words are read as in `ask`; with neither framing nor role given, the signed-in person's saved ones apply."""
        return _checked(lambda: tools.define(runtime, term, framing, role, person()))


def _add_lookup_tools(server: GlossaryServer, runtime: Runtime, person: Person) -> None:
    """The other read-only tools: search, explain_text, list_terms, related."""

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
        return _checked(lambda: tools.explain_text(runtime, text, framing, person()))

    @server.tool(annotations=READ_ONLY)
    def list_terms(
        category: Annotated[
            str | None, Field(max_length=100, description="A category, any case, or the start of its name.")
        ] = None,
        role: Annotated[
            str | None, Field(max_length=60, description="A role key or name, any case, or the start of it.")
        ] = None,
        status: Annotated[StatusWord | None, Field(description="Only terms with this review status.")] = None,
        cursor: Annotated[str | None, Field(max_length=100, description="next_cursor from the last page.")] = None,
        limit: Annotated[int, Field(ge=1, le=listing.PAGE_MAX, description="Terms per page (default 50).")] = 50,
    ) -> ListResult:
        """List glossary terms by name (name, slug, short definition, review status), optionally filtered by
        category, role or review status, a page at a time: `count` is the total, `next_cursor` fetches the
        next page. `categories` names every category; `matched_categories` and `matched_role` say what the
        filters matched ("retrieval" matches "Retrieval & RAG")."""
        return _checked(lambda: listing.list_terms(runtime, category, role, status, cursor, limit))

    @server.tool(annotations=READ_ONLY)
    def related(term: Term) -> RelatedResult:
        """The broader, narrower and related terms of a glossary term, each with its slug when the glossary
        has an entry for it (slug null: named by the glossary but not defined in it). When the name is
        ambiguous or unknown, status says so and `terms` lists the candidates, as in define."""
        return _checked(lambda: tools.related(runtime, term))


def _add_request_tool(server: GlossaryServer, runtime: Runtime, person: Person) -> None:
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
        """Ask the glossary's reviewers to add a term it lacks (use after define or ask returns a miss).

        A signed-in person files in their own name and gets a Slack DM when the request is answered;
        `requester` is then ignored. Needs the glossary:request scope.

        status "filed": a new request; "voted": someone had already asked, so this counts as a vote;
        "already_asked": this requester had asked already; "refused": the glossary has the term, named in
        existing_term (call define for it). Returns the request's number and status."""
        if not may_file_requests():
            raise ToolError(
                "This sign-in may only read the glossary (scope glossary:read). Sign in again and allow "
                "'ask the reviewers for a missing term' (glossary:request) to file requests."
            )
        return _checked(lambda: tools.request_term(runtime, term, why, requester, person()))


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
    """Serve until stopped. Exit 2, with one line, when HTTP would be open to other machines with no sign-in
    and no token, or when sign-in is half configured."""
    if http:
        try:
            if sign_in_wanted(settings):
                check_sign_in(settings)
            else:
                check_can_serve(host, settings.mcp_token)
        except (NoTokenError, SignInNotReady) as exc:
            print(f"glossary-bot: {exc}", file=sys.stderr)
            return 2
    # stdout is the stdio transport's wire: every log line goes to stderr, secrets masked.
    setup_logging(settings.log_level, (settings.mcp_token, settings.slack_bot_token, settings.slack_client_secret))
    runtime = Runtime.open(settings)
    if settings.reload_seconds > 0:
        runtime.live.watch(settings.reload_seconds)
    server = build_server(runtime)
    if not http:
        log.info("serving %d terms to MCP clients over stdio", len(runtime.glossary))
        server.run("stdio")
        return 0
    return _serve_http(server, runtime, host)


def http_app(server: GlossaryServer, runtime: Runtime, host: str) -> Any:
    """Sign-in when it is configured (the static token still works beside it), else the static token alone,
    else nothing: loopback only (run() refused anything else)."""
    settings = runtime.settings
    if sign_in_wanted(settings):
        return session_limits(signed_in_app(server, settings, runtime.store, host=host))
    app: Any = session_limits(server.streamable_http_app(host=host, **streamable_options(host)))
    return BearerAuth(app, settings.mcp_token) if settings.mcp_token else app


def _serve_http(server: GlossaryServer, runtime: Runtime, host: str) -> int:
    import uvicorn

    from .connections import server_config

    settings = runtime.settings
    app = http_app(server, runtime, host)
    if sign_in_wanted(settings):
        auth = f"sign in with Slack via {settings.mcp_public_url}"
    else:
        auth = "bearer token required" if settings.mcp_token else "loopback only, no token"
    log.info("serving MCP over HTTP at http://%s:%d/mcp (%s)", host, settings.mcp_port, auth)
    uvicorn.Server(server_config(app, host, settings.mcp_port)).run()
    return 0
