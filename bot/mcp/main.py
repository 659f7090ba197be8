"""`glossary-bot-mcp`: the MCP server on its own, for a client's configuration or `uvx`/`pipx run`.

Stdio by default, as desktop and IDE clients expect; `--http` for streamable HTTP. The same settings as
`python -m bot mcp` (the environment, then a `.env` in the working folder).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from ..startup import settings_or_exit
from .server import run

EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="glossary-bot-mcp", description="Serve the team's AI glossary to AI assistants over MCP."
    )
    parser.add_argument("--http", action="store_true", help="streamable HTTP on MCP_PORT instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on with --http (default 127.0.0.1)")
    parser.add_argument("--glossary", metavar="DIR", help="the term files (default: GLOSSARY_DIR, or data/terms)")
    args = parser.parse_args(argv)
    settings = settings_or_exit(exit_code=EXIT_USAGE)
    if args.glossary:
        settings = replace(settings, glossary_dir=Path(args.glossary))
    return run(settings, http=args.http, host=args.host)


if __name__ == "__main__":
    raise SystemExit(main())
