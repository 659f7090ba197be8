"""The authorization server, on the MCP SDK's provider interface: clients register themselves (RFC 7591),
sign in with PKCE, and get short-lived access tokens bound to this server (RFC 8707) plus a refresh token.

Between our /authorize and our code there are two pages of ours and Slack's (routes.py): the consent page,
where the person sees which app asks and for what, then Sign in with Slack. Only then is a code issued, to
the Slack user Slack named. Every secret is stored by its hash (grants.py).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from urllib.parse import urlencode

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    OAuthAuthorizationServerProvider,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

from .grants import ACCESS, CODE, REFRESH, SIGNIN, Grant, GrantBook

READ = "glossary:read"  # every tool, prompt and resource
REQUEST = "glossary:request"  # request_term: files a request in the person's name
SCOPES = [READ, REQUEST]
CONSENT_PATH = "/oauth/consent"
STATIC_CLIENT = "mcp-token"  # the client id a request with the static MCP_TOKEN is known by

ACCESS_LIFETIME = dt.timedelta(hours=1)
REFRESH_LIFETIME = dt.timedelta(days=30)
CODE_LIFETIME = dt.timedelta(minutes=5)
SIGNIN_LIFETIME = dt.timedelta(minutes=10)  # consent page and Slack's page, at a person's pace


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


class GlossaryAuthProvider(OAuthAuthorizationServerProvider[AuthorizationCode, RefreshToken, AccessToken]):
    """OAuthAuthorizationServerProvider for the glossary, and its token verifier (the static token too)."""

    def __init__(self, grants: GrantBook, public_url: str, *, static_token: str = "") -> None:
        self.grants = grants
        self.public_url = public_url
        self.resource = public_url + "/mcp"
        self.static_token = static_token

    # --- clients ---------------------------------------------------------------------------------

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        info = self.grants.client(client_id)
        return OAuthClientInformationFull.model_validate_json(info) if info else None

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        self.grants.save_client(str(client_info.client_id), client_info.model_dump_json())

    # --- authorization ---------------------------------------------------------------------------

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        """Hold the request as a sign-in and send the person to the consent page."""
        if params.resource is not None and params.resource.rstrip("/") != self.resource:
            raise AuthorizeError("invalid_target", f"This server issues tokens for {self.resource} only.")
        detail = {
            "state": params.state,
            "code_challenge": params.code_challenge,
            "redirect_uri": str(params.redirect_uri),
            "redirect_uri_provided_explicitly": params.redirect_uri_provided_explicitly,
            "nonce": secrets.token_urlsafe(16),
        }
        signin, _ = self.grants.issue(
            SIGNIN,
            SIGNIN_LIFETIME,
            client_id=str(client.client_id),
            scopes=params.scopes or SCOPES,
            resource=self.resource,
            detail=detail,
        )
        return f"{self.public_url}{CONSENT_PATH}?{urlencode({'request': signin})}"

    def complete_sign_in(self, signin: Grant, user_id: str, team_id: str) -> str:
        """The person Slack named approved: a code for them, and the client's redirect URI carrying it."""
        code, _ = self.grants.issue(CODE, CODE_LIFETIME, signin, user_id=user_id, team_id=team_id, detail=signin.detail)
        return construct_redirect_uri(signin.detail["redirect_uri"], code=code, state=signin.detail.get("state"))

    @staticmethod
    def refuse_sign_in(signin: Grant, error: str, description: str) -> str:
        """The client's redirect URI carrying an OAuth error (RFC 6749 §4.1.2.1)."""
        return construct_redirect_uri(
            signin.detail["redirect_uri"], error=error, error_description=description, state=signin.detail.get("state")
        )

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        found = self.grants.find(CODE, authorization_code)
        if found is None or found.client_id != client.client_id:
            return None
        return AuthorizationCode(
            code=authorization_code,
            scopes=found.scopes,
            expires_at=found.expires_at.timestamp(),
            client_id=found.client_id,
            code_challenge=found.detail["code_challenge"],
            redirect_uri=found.detail["redirect_uri"],
            redirect_uri_provided_explicitly=found.detail["redirect_uri_provided_explicitly"],
            resource=found.resource,
            subject=found.user_id,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        spent = self.grants.take(CODE, authorization_code.code)
        if spent is None:  # used already, by a concurrent exchange
            raise TokenError("invalid_grant", "authorization code does not exist")
        return self._tokens(spent, spent.scopes, grant_id=secrets.token_hex(16))

    def _tokens(self, grant: Grant, scopes: list[str], *, grant_id: str) -> OAuthToken:
        access, _ = self.grants.issue(ACCESS, ACCESS_LIFETIME, grant, grant_id=grant_id, scopes=scopes, detail={})
        refresh, _ = self.grants.issue(REFRESH, REFRESH_LIFETIME, grant, grant_id=grant_id, scopes=scopes, detail={})
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=int(ACCESS_LIFETIME.total_seconds()),
            refresh_token=refresh,
            scope=" ".join(scopes),
        )

    # --- refresh ---------------------------------------------------------------------------------

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> RefreshToken | None:
        found = self.grants.find(REFRESH, refresh_token)
        if found is None or found.client_id != client.client_id:
            return None
        return RefreshToken(
            token=refresh_token,
            client_id=found.client_id,
            scopes=found.scopes,
            expires_at=_epoch(found.expires_at),
            resource=found.resource,
            subject=found.user_id,
        )

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        """Rotate: the refresh token is spent, the grant's old access tokens go, a new pair comes."""
        spent = self.grants.take(REFRESH, refresh_token.token)
        if spent is None:
            raise TokenError("invalid_grant", "refresh token does not exist")
        self.grants.revoke_kind(spent.grant_id, ACCESS)
        return self._tokens(spent, scopes or spent.scopes, grant_id=spent.grant_id)

    # --- access ----------------------------------------------------------------------------------

    async def load_access_token(self, token: str) -> AccessToken | None:
        found = self.grants.find(ACCESS, token)
        if found is None:
            return None
        return AccessToken(
            token=token,
            client_id=found.client_id,
            scopes=found.scopes,
            expires_at=_epoch(found.expires_at),
            resource=found.resource,
            subject=found.user_id,
            claims={"iss": self.public_url, "team_id": found.team_id},
        )

    async def verify_token(self, token: str) -> AccessToken | None:
        """TokenVerifier: a signed-in person's token, or the static MCP_TOKEN (nobody in particular)."""
        if self.static_token and hmac.compare_digest(token.encode(), self.static_token.encode()):
            return AccessToken(
                token=token, client_id=STATIC_CLIENT, scopes=SCOPES, resource=self.resource, expires_at=None
            )
        return await self.load_access_token(token)

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        """Both tokens of the sign-in go, whichever one is given (the SDK handler found it live already)."""
        for kind in (ACCESS, REFRESH):
            found = self.grants.find(kind, token.token)
            if found is not None:
                self.grants.revoke_grant(found.grant_id)
                return
