/**
 * The client type of a session, for the `client_type` column and analytics:
 * looked up by the exact `clientInfo.name` a client's current release sends
 * at `initialize`. A name that is not in the table is "Other"; the raw name is
 * always kept beside it (`client_name`). Exact names, not patterns: a library
 * that sends whatever its user configured (Mastra sends the server's config
 * key) must not pass for a product whose name happens to be inside it.
 */

/** Client type of names that are not in the table. */
export const UNKNOWN_CLIENT_TYPE = "Other";

/**
 * Known `clientInfo.name` values, as their current releases send them
 * (compared case-insensitively), and the client type each stands for.
 */
const KNOWN_CLIENT_NAMES: ReadonlyArray<readonly [type: string, names: readonly string[]]> = [
	["Claude Code", ["claude-code"]],
	// Claude Desktop and claude.ai connectors.
	["Claude Desktop", ["claude-ai"]],
	["Cursor", ["cursor-vscode"]],
	["Windsurf", ["windsurf-client"]],
	// The VS Code extension; its CLI (`@cline/core`) names itself after its package.
	["Cline", ["Cline", "@cline/core"]],
	["Codex", ["codex-mcp-client"]],
	// VS Code's own MCP client sends the product's long name.
	["VS Code", ["Visual Studio Code", "Visual Studio Code - Insiders"]],
	// The web UI and TUI send the package name; the CLI names itself.
	["MCP Inspector", ["mcp-inspector", "inspector-cli"]],
	// mcp-remote's probe before it forwards the real client (see `MCP_REMOTE_SUFFIX`).
	["mcp-remote", ["mcp-remote-fallback-test"]],
	["Gemini CLI", ["gemini-cli-mcp-client"]],
	["Zed", ["Zed"]],
	// The official SDKs' defaults when the application names no client: Python, Rust (rmcp), Java.
	["MCP SDK", ["mcp", "rmcp", "Java SDK MCP Client"]],
	// This project's client library (`src/client`, `MCP_CLIENT_DEFAULTS.clientName`).
	["Archon Client", ["archon-mcp-client"]],
];

/** mcp-remote forwards its client's `initialize` with this appended to the name: `claude-ai (via mcp-remote 0.1.29)`. */
const MCP_REMOTE_SUFFIX = / \(via mcp-remote [^()]*\)$/;

const CLIENT_TYPE_BY_NAME = new Map(
	KNOWN_CLIENT_NAMES.flatMap(([type, names]) => names.map((name) => [name.toLowerCase(), type])),
);

/**
 * The client type for a raw client name.
 *
 * @example
 * clientTypeOf("claude-code") // "Claude Code"
 * clientTypeOf("cursor-vscode") // "Cursor"
 * clientTypeOf("archon") // "Other" (Mastra's config key, not Archon's client)
 */
export function clientTypeOf(clientName: string | undefined): string {
	const name = (clientName ?? "").trim();
	if (MCP_REMOTE_SUFFIX.test(name)) return "mcp-remote";
	return CLIENT_TYPE_BY_NAME.get(name.toLowerCase()) ?? UNKNOWN_CLIENT_TYPE;
}
