#!/bin/sh
# `npm run inspector`: the MCP Inspector web UI, pointed at the local server
# (`npm start`, http://127.0.0.1:8787/mcp) over Streamable HTTP. Its home
# (catalog, client config, file-based secrets, logs) is .inspector/home, which
# is gitignored, so nothing lands in the user's own home. Pass another URL
# with MCP_URL=...; extra arguments go to the Inspector. See docs/mcp-inspector.md.
set -eu
cd "$(dirname "$0")/.."
home="$PWD/.inspector/home"
mkdir -p "$home"
export HOME="$home"
export XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
export XDG_CACHE_HOME="$home/.cache" XDG_STATE_HOME="$home/.local/state"
exec mcp-inspector --web --transport http --server-url "${MCP_URL:-http://127.0.0.1:8787/mcp}" "$@"
