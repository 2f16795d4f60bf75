/**
 * A bare MCP Streamable HTTP client on `fetch`, for the benchmark and the live
 * suite: request builders, POST helpers that read a JSON or SSE answer (in a
 * session, or in the sessionless 2026-07-28 envelope), and the initialize
 * handshake. It hides nothing, so checks can look at
 * statuses and headers directly.
 */

/** The protocol revision these scripts ask for. */
export const PROTOCOL_VERSION = "2025-06-18";

/** The sessionless revision: no `initialize`, every request carries its envelope in `_meta`. */
export const MODERN_PROTOCOL_VERSION = "2026-07-28";

/** `_meta` keys of the 2026-07-28 request envelope. */
const ModernMetaKey = {
	ProtocolVersion: "io.modelcontextprotocol/protocolVersion",
	ClientInfo: "io.modelcontextprotocol/clientInfo",
	ClientCapabilities: "io.modelcontextprotocol/clientCapabilities",
} as const;

/** A JSON-RPC message as these scripts read it. */
export interface JsonRpcMessage {
	readonly jsonrpc: "2.0";
	readonly id?: string | number | null;
	readonly method?: string;
	readonly params?: unknown;
	readonly result?: Record<string, unknown>;
	readonly error?: { readonly code: number; readonly message: string };
}

/** Client name and version sent at `initialize`. */
export interface ClientInfo {
	readonly name: string;
	readonly version: string;
}

/** Session and credential headers of a request; all are optional. */
export interface SessionHeaders {
	/** Sent as `Mcp-Session-Id` (and with it `MCP-Protocol-Version`). */
	readonly sessionId?: string;
	/** Sent as `X-Archon-Session-Id`. */
	readonly archonSessionId?: string;
	/** An API token (`archon_...`), sent as `Authorization: Bearer <token>`. */
	readonly bearerToken?: string;
}

/** What a POST /mcp answered. */
export interface McpReply {
	readonly status: number;
	readonly headers: Headers;
	/** The `Mcp-Session-Id` response header, or null. */
	readonly sessionId: string | null;
	/** The JSON-RPC messages of the body (SSE events or one JSON object); empty for 202. */
	readonly messages: readonly JsonRpcMessage[];
}

/** An `initialize` request. */
export function initializeRequest(id: number, client: ClientInfo): JsonRpcMessage {
	return {
		jsonrpc: "2.0",
		id,
		method: "initialize",
		params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: client },
	};
}

/** The `notifications/initialized` notification that completes a handshake. */
export function initializedNotification(): JsonRpcMessage {
	return { jsonrpc: "2.0", method: "notifications/initialized" };
}

/** A `tools/call` request. */
export function toolsCallRequest(
	id: number,
	name: string,
	args: Record<string, unknown> = {},
): JsonRpcMessage {
	return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

/** A `ping` request. */
export function pingRequest(id: number): JsonRpcMessage {
	return { jsonrpc: "2.0", id, method: "ping" };
}

/** The request headers for `session`. */
export function mcpHeaders(session: SessionHeaders = {}): Record<string, string> {
	const headers: Record<string, string> = {
		"content-type": "application/json",
		accept: "application/json, text/event-stream",
	};
	if (session.sessionId !== undefined) {
		headers["mcp-session-id"] = session.sessionId;
		headers["mcp-protocol-version"] = PROTOCOL_VERSION;
	}
	if (session.archonSessionId !== undefined) {
		headers["x-archon-session-id"] = session.archonSessionId;
	}
	if (session.bearerToken !== undefined) {
		headers.authorization = `Bearer ${session.bearerToken}`;
	}
	return headers;
}

/** POSTs one message to the MCP endpoint and reads the whole answer. */
export function postMcp(
	url: string,
	message: JsonRpcMessage,
	session: SessionHeaders = {},
	signal?: AbortSignal,
): Promise<McpReply> {
	return postJsonRpc(url, message, mcpHeaders(session), signal);
}

/**
 * POSTs one 2026-07-28 request, with no session: `request` goes in the
 * `_meta` envelope, with the standard headers that mirror it.
 */
export function postModern(
	url: string,
	request: JsonRpcMessage,
	client: ClientInfo,
	signal?: AbortSignal,
	bearerToken?: string,
): Promise<McpReply> {
	const message = modernRequest(request, client);
	const headers = modernHeaders(message);
	if (bearerToken !== undefined) headers.authorization = `Bearer ${bearerToken}`;
	return postJsonRpc(url, message, headers, signal);
}

/**
 * `request` in the 2026-07-28 `_meta` envelope: the protocol version, client
 * info and capabilities that `initialize` used to carry, on every request.
 */
export function modernRequest(request: JsonRpcMessage, client: ClientInfo): JsonRpcMessage {
	const params = (request.params ?? {}) as Record<string, unknown>;
	const meta = (params._meta ?? {}) as Record<string, unknown>;
	return {
		...request,
		params: {
			...params,
			_meta: {
				...meta,
				[ModernMetaKey.ProtocolVersion]: MODERN_PROTOCOL_VERSION,
				[ModernMetaKey.ClientInfo]: client,
				[ModernMetaKey.ClientCapabilities]: {},
			},
		},
	};
}

/**
 * The headers of a 2026-07-28 request: `MCP-Protocol-Version`, `Mcp-Method`,
 * and `Mcp-Name` from `params.name` or `params.uri` (SEP-2243; these scripts
 * send ASCII names only, which need no base64 sentinel).
 */
export function modernHeaders(message: JsonRpcMessage): Record<string, string> {
	const headers: Record<string, string> = {
		"content-type": "application/json",
		accept: "application/json, text/event-stream",
		"mcp-protocol-version": MODERN_PROTOCOL_VERSION,
	};
	if (message.method !== undefined) headers["mcp-method"] = message.method;
	const params = (message.params ?? {}) as Record<string, unknown>;
	const name = params.name ?? params.uri;
	if (typeof name === "string") headers["mcp-name"] = name;
	return headers;
}

async function postJsonRpc(
	url: string,
	message: JsonRpcMessage,
	headers: Record<string, string>,
	signal: AbortSignal | undefined,
): Promise<McpReply> {
	const response = await fetch(url, {
		method: "POST",
		headers,
		body: JSON.stringify(message),
		signal,
	});
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		sessionId: response.headers.get("mcp-session-id"),
		messages: parseBody(mediaType(response.headers.get("content-type")), text),
	};
}

/** DELETE /mcp for `sessionId`; returns the status. */
export async function deleteSession(url: string, sessionId: string): Promise<number> {
	const response = await fetch(url, { method: "DELETE", headers: mcpHeaders({ sessionId }) });
	await response.arrayBuffer();
	return response.status;
}

/**
 * The full handshake: `initialize`, then `notifications/initialized`.
 * Returns the session id the server assigned; throws if it refused.
 */
export async function openSession(
	url: string,
	client: ClientInfo,
	session: SessionHeaders = {},
): Promise<string> {
	const reply = await postMcp(url, initializeRequest(1, client), session);
	const result = reply.messages[0]?.result;
	if (reply.status !== 200 || !reply.sessionId || !result) {
		throw new Error(`initialize answered ${reply.status} ${JSON.stringify(reply.messages[0])}`);
	}
	const done = await postMcp(url, initializedNotification(), {
		sessionId: reply.sessionId,
		bearerToken: session.bearerToken,
	});
	if (done.status !== 202) throw new Error(`notifications/initialized answered ${done.status}`);
	return reply.sessionId;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
function mediaType(contentType: string | null): string {
	return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** JSON-RPC messages of a body: every SSE `data:` payload, or the one JSON document. */
function parseBody(type: string, text: string): JsonRpcMessage[] {
	if (text.trim() === "") return [];
	if (type === "application/json") return [JSON.parse(text) as JsonRpcMessage];
	if (type !== "text/event-stream") return [];
	const messages: JsonRpcMessage[] = [];
	// SSE events are separated by a blank line; a multi-line data field joins with newlines.
	for (const event of text.split(/\r?\n\r?\n/)) {
		const data = event
			.split(/\r?\n/)
			.filter((line) => line.startsWith("data:"))
			.map((line) => line.slice(5).replace(/^ /, ""))
			.join("\n");
		if (data !== "") messages.push(JSON.parse(data) as JsonRpcMessage);
	}
	return messages;
}
