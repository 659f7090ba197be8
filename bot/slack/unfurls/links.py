"""Which posted links are term links: `{GLOSSARY_URL}/terms/<slug>/` (how the published site and the MCP
server's docs_url name a term's page), with or without the last slash, a query or a fragment. Pure."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]{0,99}$")


def term_page(site: str, slug: str) -> str:
    return f"{site.rstrip('/')}/terms/{slug}/"


def slug_of(url: str, site: str) -> str | None:
    """The slug a link names on the glossary site, or None for any other link."""
    if not site.startswith(("https://", "http://")):
        return None
    home, link = urlsplit(site), urlsplit(url)
    if (link.scheme, link.netloc.lower()) != (home.scheme, home.netloc.lower()):
        return None
    prefix = home.path.rstrip("/") + "/terms/"
    if not link.path.startswith(prefix):
        return None
    slug = link.path[len(prefix) :].rstrip("/")
    return slug if _SLUG.match(slug) else None
