/**
 * Request builders and response readers shared by the Worker tests.
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { SessionRecord } from "../../src/session/session-record";
import { StorageKey } from "../../src/session/session-store";

/** The MCP endpoint as tests reach it: a loopback host, like `npm start`. */
export const MCP_URL = "http://localhost/mcp";

/** The protocol revision tests speak unless they say otherwise. */
export const PROTOCOL_VERSION = "2025-11-25";

/** Every tool the server offers (without the conformance fixtures), sorted by name. */
export const SERVER_TOOLS = [
	"find_documents",
	"find_projects",
	"find_tasks",
	"find_versions",
	"get_project_features",
	"health_check",
	"manage_document",
	"manage_project",
	"manage_task",
	"manage_version",
	"rag_get_available_sources",
	"rag_list_pages_for_source",
	"rag_read_full_page",
	"rag_search_code_examples",
	"rag_search_knowledge_base",
	"session_info",
] as const;

/** Headers every well-formed POST carries. */
export const POST_HEADERS = {
	"content-type": "application/json",
	accept: "application/json, text/event-stream",
} as const;

/** Options of `post`. */
export interface PostOptions {
	/** Sent as `Mcp-Session-Id`. */
	session?: string;
	/** Sent as `X-Archon-Session-Id`. */
	archon?: string;
	/** Sent as `MCP-Protocol-Version`; null leaves it out. Defaults to `PROTOCOL_VERSION`. */
	version?: string | null;
	headers?: Record<string, string>;
	/** The endpoint; defaults to `MCP_URL` (loopback, where auth is off in tests). */
	url?: string;
}

/** Sends a request to the Worker under test. */
export function fetchWorker(input: string, init?: RequestInit): Promise<Response> {
	return exports.default.fetch(new Request(input, init));
}

/** POSTs a JSON-RPC body (an object is serialized; a string is sent as is). */
export function post(body: unknown, options: PostOptions = {}): Promise<Response> {
	const headers: Record<string, string> = { ...POST_HEADERS };
	if (options.session !== undefined) headers["mcp-session-id"] = options.session;
	if (options.archon !== undefined) headers["x-archon-session-id"] = options.archon;
	const version = options.version === undefined ? PROTOCOL_VERSION : options.version;
	if (version !== null) headers["mcp-protocol-version"] = version;
	Object.assign(headers, options.headers);
	return fetchWorker(options.url ?? MCP_URL, {
		method: "POST",
		headers,
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

let nextId = 1;

/** A JSON-RPC request object with a fresh id. */
export function rpc(method: string, params?: Record<string, unknown>) {
	return { jsonrpc: "2.0", id: nextId++, method, ...(params ? { params } : {}) };
}

/** The `initialize` request a client named `clientName` sends. */
export function initializeRequest(clientName = "claude-code", protocolVersion = PROTOCOL_VERSION) {
	return rpc("initialize", {
		protocolVersion,
		capabilities: { roots: { listChanged: true } },
		clientInfo: { name: clientName, version: "2.1.0" },
	});
}

/** Initializes a session (at `protocolVersion`, 2025-11-25 by default) and returns its id and the response. */
export async function initialize(
	options: PostOptions & { clientName?: string; protocolVersion?: string } = {},
): Promise<{ sessionId: string; response: Response; messages: JsonRpcMessage[] }> {
	const response = await post(initializeRequest(options.clientName, options.protocolVersion), {
		version: null,
		...options,
	});
	expect(response.status).toBe(200);
	const sessionId = response.headers.get("mcp-session-id");
	expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
	expect(response.headers.get("x-archon-session-id")).toBe(sessionId);
	const messages = await readMessages(response);
	await post(
		{ jsonrpc: "2.0", method: "notifications/initialized" },
		{ session: sessionId as string },
	);
	return { sessionId: sessionId as string, response, messages };
}

/** A JSON-RPC message as read back from a response. */
export interface JsonRpcMessage {
	jsonrpc: "2.0";
	id?: string | number | null;
	method?: string;
	params?: Record<string, unknown>;
	result?: Record<string, unknown>;
	error?: { code: number; message: string };
}

/** Reads every JSON-RPC message of a JSON or SSE response, in order. */
export async function readMessages(response: Response): Promise<JsonRpcMessage[]> {
	const text = await response.text();
	if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
		const parsed = JSON.parse(text) as JsonRpcMessage | JsonRpcMessage[];
		return Array.isArray(parsed) ? parsed : [parsed];
	}
	// A priming event (an id, and empty data) carries no message.
	return text
		.split("\n\n")
		.flatMap((event) => event.split("\n").filter((line) => line.startsWith("data:")))
		.filter((line) => line.slice(5).trim() !== "")
		.map((line) => JSON.parse(line.slice(5)) as JsonRpcMessage);
}

/** Reads the one JSON-RPC response (with an id) of a response. */
export async function readResult(response: Response): Promise<JsonRpcMessage> {
	const messages = await readMessages(response);
	const answers = messages.filter((message) => message.id !== undefined && !message.method);
	expect(answers).toHaveLength(1);
	return answers[0] as JsonRpcMessage;
}

/** Calls a tool in a session and returns the tool result. */
export async function callTool(
	sessionId: string,
	name: string,
	args: Record<string, unknown> = {},
): Promise<{ response: Response; result: Record<string, unknown> }> {
	const response = await post(rpc("tools/call", { name, arguments: args }), { session: sessionId });
	expect(response.status).toBe(200);
	const message = await readResult(response.clone());
	expect(message.error).toBeUndefined();
	return { response, result: message.result as Record<string, unknown> };
}

/** The structured content of a tool result. */
export function structured(result: Record<string, unknown>): Record<string, unknown> {
	return result.structuredContent as Record<string, unknown>;
}

/** Asserts a JSON-RPC error response: status, code, and no stack trace. */
export async function expectErrorResponse(
	response: Response,
	status: number,
	code: number,
): Promise<JsonRpcMessage> {
	expect(response.status).toBe(status);
	expect(response.headers.get("content-type")).toContain("application/json");
	const text = await response.text();
	expect(text).not.toMatch(/\bat .+:\d+:\d+/);
	const body = JSON.parse(text) as JsonRpcMessage;
	expect(body.jsonrpc).toBe("2.0");
	expect(body.error?.code).toBe(code);
	expect(typeof body.error?.message).toBe("string");
	return body;
}

/** Ends a session as its client does (DELETE /mcp). */
export function deleteSession(sessionId: string): Promise<Response> {
	return fetchWorker(MCP_URL, {
		method: "DELETE",
		headers: { "mcp-session-id": sessionId, "mcp-protocol-version": PROTOCOL_VERSION },
	});
}

/** The stub of a session's Durable Object. */
export function sessionStub(sessionId: string) {
	return env.MCP_SESSION.get(env.MCP_SESSION.idFromName(sessionId));
}

/**
 * Moves a live session's idle deadline into the past, as if its idle timeout
 * (or unused timeout) had run out with no request since, so its next alarm
 * (`runDurableObjectAlarm`) expires it; an alarm run before this re-arms at
 * the deadline instead. The record is written behind the object's back; the
 * alarm reads it from storage again (`SessionStore.reload`).
 */
export async function backdateSession(sessionId: string): Promise<void> {
	const stub = sessionStub(sessionId);
	await runInDurableObject(stub, (_instance, state) => {
		const record = state.storage.kv.get<SessionRecord>(StorageKey.Session);
		if (record?.status !== "active") throw new Error(`No live session ${sessionId} to backdate`);
		const idleMs = record.expiresAt - record.lastActivity;
		const expiresAt = Date.now() - 1;
		state.storage.kv.put(StorageKey.Session, {
			...record,
			lastActivity: expiresAt - idleMs,
			expiresAt,
		});
	});
}

/** Flushes the session's D1 mirror now, as the background sync would. */
export function syncMirror(sessionId: string): Promise<number> {
	return sessionStub(sessionId).syncMirror();
}
