"""The HTTP app when sign-in is on: the SDK's auth routes and middleware around the MCP endpoint.

Assembled from the SDK's own parts (create_auth_routes, create_protected_resource_routes, BearerAuthBackend,
RequireAuthMiddleware) rather than through MCPServer's `auth=` setting, for one reason: that setting
advertises only the scopes every request needs (glossary:read) in the protected-resource metadata, and
clients request what that metadata lists, so nobody would ever be granted glossary:request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.routes import build_resource_metadata_url, create_auth_routes, create_protected_resource_routes
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Route

from ...config import Settings
from ...state.store import Store
from ..sessions import streamable_options
from .grants import Clock, GrantBook, utc_now
from .provider import READ, SCOPES, GlossaryAuthProvider
from .routes import SignInPages
from .slack_oidc import SlackSignIn


class SignInNotReady(ValueError):
    """Sign-in is half configured; the message names the missing setting."""


def sign_in_wanted(settings: Settings) -> bool:
    return bool(settings.mcp_public_url or settings.slack_client_id or settings.slack_client_secret)


def check_sign_in(settings: Settings) -> None:
    """Sign-in needs all of its settings, and the bot token to learn which workspace may sign in."""
    for name in ("MCP_PUBLIC_URL", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN"):
        if not getattr(settings, name.lower()):
            raise SignInNotReady(
                f"{name} is not set, and sign-in for MCP needs MCP_PUBLIC_URL, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET "
                "and SLACK_BOT_TOKEN (see README, 'Use it from your AI assistant')"
            )
    public = settings.mcp_public_url
    if not public.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SignInNotReady(f"MCP_PUBLIC_URL must be an https:// address, not {public!r}")
    if urlparse(public).path not in ("", "/") or urlparse(public).query:
        # The sign-in's own paths (/authorize, /.well-known/…) hang off the origin, where clients look for them.
        raise SignInNotReady(
            f"MCP_PUBLIC_URL must be the server's origin only, such as https://glossary.example.com, not {public!r}"
        )


def signed_in_app(
    server: MCPServer[Any], settings: Settings, store: Store, *, host: str, clock: Clock = utc_now
) -> Starlette:
    """The MCP endpoint behind bearer tokens, with discovery, registration, sign-in, token and revocation."""
    provider = GlossaryAuthProvider(GrantBook(store, clock), settings.mcp_public_url, static_token=settings.mcp_token)
    # Through the SDK's AuthSettings, which keeps a path-less issuer without a trailing slash: RFC 8414
    # issuers compare as exact strings, and the SDK client checks the metadata's against the one it expects.
    urls = AuthSettings.model_validate(
        {
            "issuer_url": settings.mcp_public_url,
            "resource_server_url": provider.resource,
            "validate_token_resource": True,
        }
    )
    issuer, resource = urls.issuer_url, urls.resource_server_url
    assert resource is not None
    plain = server.streamable_http_app(
        host=host, **streamable_options(host)
    )  # the SDK's MCP endpoint, no auth; its session manager runs below
    endpoint = next(r for r in plain.routes if isinstance(r, Route) and r.path == "/mcp").endpoint
    routes: list[Any] = [
        *create_auth_routes(
            provider,
            issuer,
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=SCOPES, default_scopes=SCOPES
            ),
            revocation_options=RevocationOptions(enabled=True),
        ),
        *create_protected_resource_routes(
            resource, [issuer], scopes_supported=SCOPES, resource_name=settings.glossary_name
        ),
        *SignInPages(provider, SlackSignIn(settings), settings.glossary_name).routes(),
        Route("/mcp", endpoint=RequireAuthMiddleware(endpoint, [READ], build_resource_metadata_url(resource))),
    ]
    middleware = [
        Middleware(AuthenticationMiddleware, backend=BearerAuthBackend(provider, resource_server_url=resource)),
        Middleware(AuthContextMiddleware),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lambda _app: server.session_manager.run())
