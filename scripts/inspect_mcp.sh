#!/usr/bin/env bash
# Drive the MCP Inspector's CLI mode against the glossary's MCP server, as a reviewer would: list the tools,
# prompts and resource templates, and call `ask`, over stdio and over streamable HTTP with a bearer token.
# A script for people, not a test: it needs Node.js (npx) and fetches @modelcontextprotocol/inspector.
#
#   scripts/inspect_mcp.sh                 # both transports
#   scripts/inspect_mcp.sh stdio|http      # one of them
#   INSPECTOR_VERSION=0.15.0 scripts/inspect_mcp.sh stdio   # an Inspector npm already has, offline
#
# Settings come from the environment as usual (GLOSSARY_DIR, DATA_DIR, …); a throwaway DATA_DIR is used unless
# one is set. Sign-in (OAuth with Slack) needs a browser, so HTTP here uses a static MCP_TOKEN on loopback.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SERVER="$ROOT/.venv/bin/glossary-bot-mcp"
# --header (HTTP with a token) needs a recent Inspector; 0.15 has only stdio and unauthenticated HTTP.
INSPECTOR=(npx --yes "@modelcontextprotocol/inspector@${INSPECTOR_VERSION:-latest}" --cli)
WHICH=${1:-both}

if [[ ! -x "$SERVER" ]]; then
  echo "inspect_mcp: $SERVER is missing; run: python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'" >&2
  exit 2
fi
if ! command -v npx >/dev/null; then
  echo "inspect_mcp: npx is not installed; install Node.js 22 or later" >&2
  exit 2
fi

export GLOSSARY_DIR=${GLOSSARY_DIR:-$ROOT/data/terms}
export DATA_DIR=${DATA_DIR:-$(mktemp -d)}

run() {  # one Inspector call, with a heading
  echo "== $1"
  shift
  "${INSPECTOR[@]}" "$@"
  echo
}

inspect_stdio() {
  run "stdio: tools/list" "$SERVER" --method tools/list
  run "stdio: prompts/list" "$SERVER" --method prompts/list
  run "stdio: resources/templates/list" "$SERVER" --method resources/templates/list
  run "stdio: tools/call ask" "$SERVER" --method tools/call --tool-name ask --tool-arg "question=what is RAG for execs?"
}

inspect_http() {
  local port=${MCP_PORT:-8765} token
  token=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
  MCP_TOKEN=$token MCP_PORT=$port "$SERVER" --http --host 127.0.0.1 &
  local pid=$!
  trap 'kill "$pid" 2>/dev/null || true' RETURN
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then break; fi
    sleep 0.2
  done
  local url="http://127.0.0.1:$port/mcp" auth="Authorization: Bearer $token"
  run "http: tools/list" "$url" --transport http --header "$auth" --method tools/list
  run "http: prompts/list" "$url" --transport http --header "$auth" --method prompts/list
  run "http: resources/templates/list" "$url" --transport http --header "$auth" --method resources/templates/list
  run "http: tools/call ask" "$url" --transport http --header "$auth" --method tools/call --tool-name ask \
    --tool-arg "question=RAG vs fine-tuning"
  echo "== http without the token (expect a 401 error)"
  "${INSPECTOR[@]}" "$url" --transport http --method tools/list || true
}

case $WHICH in
  stdio) inspect_stdio ;;
  http) inspect_http ;;
  both) inspect_stdio; inspect_http ;;
  *) echo "inspect_mcp: say stdio, http or nothing (both), not '$WHICH'" >&2; exit 2 ;;
esac
