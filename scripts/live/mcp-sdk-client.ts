/**
 * The official MCP SDK v2 client (`@modelcontextprotocol/client`) as the live
 * suite's third-party client of either era, answering elicitation requests
 * with a fixed form, the way a person filling in the form would.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

/** The revision a modern client pins (no fallback to `initialize`). */
export const MODERN_REVISION = "2026-07-28";

/** What the elicitation handler answers, and what the tool must report back. */
export const ELICITED = { username: "live-suite", email: "live@example.com" } as const;

/**
 * A connected SDK client of `era` for `mcpUrl`, declaring elicitation and
 * answering it with `ELICITED`. The caller closes it.
 */
export async function connectSdkClient(
	mcpUrl: string,
	era: "modern" | "legacy",
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
	const client = new Client(
		{ name: `archon-live-sdk-${era}`, version: "2.4.0-live" },
		{
			capabilities: { elicitation: { form: {} } },
			...(era === "modern" ? { versionNegotiation: { mode: { pin: MODERN_REVISION } } } : {}),
		},
	);
	client.setRequestHandler("elicitation/create", async () => ({
		action: "accept",
		content: { ...ELICITED },
	}));
	const transport = new StreamableHTTPClientTransport(new URL(mcpUrl));
	await client.connect(transport);
	return { client, transport };
}

/** The first text of a tool result, or "" when it has none. */
export function firstText(result: { content?: unknown }): string {
	const content = Array.isArray(result.content) ? result.content : [];
	const text = content.find(
		(part): part is { type: "text"; text: string } =>
			typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text",
	);
	return text?.text ?? "";
}
