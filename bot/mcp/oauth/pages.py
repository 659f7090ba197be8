"""The two HTML pages a person may see while signing in: the consent page and a one-line problem page.

Everything shown that came from outside (the app's self-chosen name, its redirect host) is escaped.
"""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

from .provider import CONSENT_PATH, READ, REQUEST

SCOPE_WORDS = {
    READ: "look terms up in the glossary, with your saved framing and role",
    REQUEST: "ask the glossary's reviewers for a missing term in your name (you get the Slack DM when it ships)",
}
STYLE = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width"><style>{STYLE}</style></head><body>{body}</body></html>'
    )
    return HTMLResponse(html, status_code=status)


def consent_page(glossary: str, app_name: str, redirect_host: str, scopes: list[str], signin_id: str) -> HTMLResponse:
    asks = "".join(f"<li>{escape(SCOPE_WORDS.get(s, s))}</li>" for s in scopes)
    body = (
        f"<h1>{escape(glossary)}</h1>"
        f"<p><strong>{escape(app_name)}</strong> (returning to <code>{escape(redirect_host)}</code>) "
        f"asks to use the glossary as you. It will be able to:</p><ul>{asks}</ul>"
        "<p>Next, Slack asks you to sign in, so the glossary knows who you are. Only your Slack user id is kept; "
        "what you look up is counted without it.</p>"
        f'<form method="post" action="{CONSENT_PATH}">'
        f'<input type="hidden" name="request" value="{escape(signin_id)}">'
        '<button name="decision" value="allow">Continue with Slack</button> '
        '<button name="decision" value="deny">Cancel</button></form>'
    )
    return _page(f"Sign in to {glossary}", body)


def problem_page(message: str, status: int) -> HTMLResponse:
    return _page("Sign-in problem", f"<p>{escape(message)}</p>", status)
