/**
 * Normalizes the `clientInfo.name` an MCP client sends at `initialize` into
 * the product family it belongs to, for the `client_type` column and analytics.
 */

/** Known client families, matched in order against the lower-cased client name. */
const CLIENT_FAMILIES: ReadonlyArray<readonly [pattern: RegExp, type: string]> = [
	[/claude[-_ ]?code/, "Claude Code"],
	[/claude/, "Claude Desktop"],
	[/cursor/, "Cursor"],
	[/windsurf|codeium/, "Windsurf"],
	[/cline/, "Cline"],
	[/roo[-_ ]?code|roo-cline/, "Roo Code"],
	[/codex/, "Codex"],
	[/inspector/, "MCP Inspector"],
	[/gemini/, "Gemini CLI"],
	[/copilot|vscode|visual studio code/, "VS Code"],
	[/zed/, "Zed"],
	[/continue/, "Continue"],
	[/goose/, "Goose"],
	[/archon/, "Archon Client"],
];

/** Family name for clients we do not recognise. */
export const UNKNOWN_CLIENT_TYPE = "Other";

/**
 * The client family for a raw client name.
 *
 * @example
 * clientTypeOf("claude-code") // "Claude Code"
 * clientTypeOf("cursor-vscode") // "Cursor"
 */
export function clientTypeOf(clientName: string | undefined): string {
	const name = (clientName ?? "").toLowerCase();
	for (const [pattern, type] of CLIENT_FAMILIES) {
		if (pattern.test(name)) return type;
	}
	return UNKNOWN_CLIENT_TYPE;
}
