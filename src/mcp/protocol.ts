/**
 * Constants of the MCP Streamable HTTP transport that this server enforces.
 * Spec: MCP 2025-06-18 and 2025-11-25, basic/transports#streamable-http; the
 * 2026-07-28 rules are the SDK's, applied in the modern lane (`src/modern/`).
 */

/** Legacy (session) revisions this server speaks, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26"] as const;

/** A legacy revision this server speaks. */
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];

/** The modern (per-request, sessionless) revision this server speaks: its lane is `src/modern/`. */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

/** The revision a server must assume when `MCP-Protocol-Version` is absent (2025-06-18 basic/transports). */
export const DEFAULT_PROTOCOL_VERSION: ProtocolVersion = "2025-03-26";

/** The first revision that removed JSON-RPC batching (2025-06-18 changelog). */
export const FIRST_VERSION_WITHOUT_BATCHES: ProtocolVersion = "2025-06-18";

/** Largest request body accepted, in bytes (4 MiB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects accepted in a body. Deeper JSON
 * overflows the stack of the structured clone that carries a request to its
 * session object (20 000 levels did); real MCP messages nest a few levels.
 */
export const MAX_JSON_DEPTH = 128;

/** Header names, lower-case as the Fetch API reports them. */
export const Header = {
	McpSessionId: "mcp-session-id",
	ArchonSessionId: "x-archon-session-id",
	ProtocolVersion: "mcp-protocol-version",
	LastEventId: "last-event-id",
} as const;

/** True when a request's `MCP-Protocol-Version` header names the modern revision. */
export function isModernVersionHeader(headers: Headers): boolean {
	return headers.get(Header.ProtocolVersion)?.trim() === MODERN_PROTOCOL_VERSION;
}

/** The headers a browser client may read from our responses (CORS). */
export const EXPOSED_HEADERS = ["Mcp-Session-Id", "X-Archon-Session-Id", "MCP-Protocol-Version"];

/** The headers a browser client may send (CORS). */
export const ALLOWED_REQUEST_HEADERS = [
	"Content-Type",
	"Accept",
	"Authorization",
	"Mcp-Session-Id",
	"X-Archon-Session-Id",
	"MCP-Protocol-Version",
	"Last-Event-ID",
	// 2026-07-28 standard request headers (basic/transports/streamable-http#standard-request-headers).
	"Mcp-Method",
	"Mcp-Name",
];

/** True when `version` is a revision this server speaks. */
export function isSupportedProtocolVersion(version: string): version is ProtocolVersion {
	return (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(version);
}

/**
 * The revision to answer an `initialize` with: the client's if we speak it,
 * otherwise our newest (2025-06-18 basic/lifecycle#version-negotiation).
 */
export function negotiateProtocolVersion(requested: unknown): ProtocolVersion {
	return typeof requested === "string" && isSupportedProtocolVersion(requested)
		? requested
		: SUPPORTED_PROTOCOL_VERSIONS[0];
}
