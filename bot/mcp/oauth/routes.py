"""The sign-in's own pages: consent, then Sign in with Slack, then back to the AI assistant with a code.

The consent page comes first because any app may register itself: it names the app and what it asks for,
so nobody's Slack session is lent to an app they never chose (the "confused deputy" of the MCP security
guidance). A cookie set by that page binds the rest of the sign-in to the same browser: a consent or a
Slack callback forged from another site finds no cookie and is refused.
"""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .grants import SIGNIN, GrantBook, hashed, new_secret
from .pages import consent_page, problem_page
from .provider import CONSENT_PATH, GlossaryAuthProvider
from .slack_oidc import CALLBACK_PATH, SignInRefused, SlackSignIn

log = logging.getLogger(__name__)
COOKIE = "glossary_signin"
GONE = "This sign-in link has expired or was already used. Start the sign-in again from your AI assistant."
OTHER_BROWSER = "This sign-in was started in another browser. Start it again from your AI assistant."
NO_FRAMES = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


class SignInPages:
    def __init__(self, provider: GlossaryAuthProvider, slack: SlackSignIn, glossary_name: str) -> None:
        self.provider = provider
        self.grants: GrantBook = provider.grants
        self.slack = slack
        self.glossary_name = glossary_name
        self.secure = provider.public_url.startswith("https://")

    def routes(self) -> list[Route]:
        return [
            Route(CONSENT_PATH, self.consent, methods=["GET", "POST"]),
            Route(CALLBACK_PATH, self.slack_callback, methods=["GET"]),
        ]

    async def consent(self, request: Request) -> Response:
        if request.method == "POST":
            return await self._decided(request)
        signin_id = request.query_params.get("request", "")
        signin = self.grants.find(SIGNIN, signin_id)
        if signin is None:
            return problem_page(GONE, 400)
        client = await self.provider.get_client(signin.client_id)
        browser = new_secret()
        self.grants.update_detail(SIGNIN, signin_id, {**signin.detail, "browser": hashed(browser)})
        app_name = (client.client_name if client else None) or "An app"
        page = consent_page(
            self.glossary_name, app_name, urlparse(signin.detail["redirect_uri"]).netloc, signin.scopes, signin_id
        )
        page.headers.update(NO_FRAMES)
        page.set_cookie(COOKIE, browser, path="/oauth", httponly=True, samesite="lax", secure=self.secure)
        return page

    async def _decided(self, request: Request) -> Response:
        form = await request.form()
        signin_id = str(form.get("request") or "")
        signin = self.grants.find(SIGNIN, signin_id)
        if signin is None:
            return problem_page(GONE, 400)
        if not self._same_browser(request, signin.detail):
            return problem_page(OTHER_BROWSER, 400)
        if form.get("decision") != "allow":
            self.grants.take(SIGNIN, signin_id)
            return _redirect(self.provider.refuse_sign_in(signin, "access_denied", "The person declined."))
        return _redirect(self.slack.authorize_url(signin_id, signin.detail["nonce"]))

    async def slack_callback(self, request: Request) -> Response:
        signin_id = request.query_params.get("state", "")
        signin = self.grants.find(SIGNIN, signin_id)
        if signin is None:
            return problem_page(GONE, 400)
        if not self._same_browser(request, signin.detail):
            return problem_page(OTHER_BROWSER, 400)
        if self.grants.take(SIGNIN, signin_id) is None:  # a second callback for one sign-in: spent already
            return problem_page(GONE, 400)
        code = request.query_params.get("code", "")
        if not code:
            reason = request.query_params.get("error") or "no code"
            return _redirect(self.provider.refuse_sign_in(signin, "access_denied", f"Slack sign-in ended: {reason}."))
        try:
            person = await anyio.to_thread.run_sync(self.slack.person, code, signin.detail["nonce"])
        except SignInRefused as exc:
            return _redirect(self.provider.refuse_sign_in(signin, "access_denied", str(exc)))
        except Exception:  # Slack down, slow or answering nonsense: the client is told, the page never hangs
            log.warning("Sign in with Slack failed", exc_info=True)
            described = "Slack could not be reached to finish the sign-in; try again in a minute."
            return _redirect(self.provider.refuse_sign_in(signin, "temporarily_unavailable", described))
        log.info("MCP sign-in by a Slack user of this workspace for client %s", signin.client_id)
        return _redirect(self.provider.complete_sign_in(signin, person.user_id, person.team_id))

    @staticmethod
    def _same_browser(request: Request, detail: dict[str, object]) -> bool:
        cookie = request.cookies.get(COOKIE, "")
        return bool(cookie) and hashed(cookie) == detail.get("browser")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})
