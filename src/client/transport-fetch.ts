/**
 * The `fetch` the SDK transport sends through. It adds what the SDK does not
 * know about and turns HTTP failures into typed errors while the response is
 * still at hand (the SDK keeps only the status and drops `Retry-After`):
 *
 * - `X-Archon-Session-Id` on `initialize`, so the server resumes that session
 *   if it still lives (Archon's resume rule; see `src/session/session-routing.ts`);
 * - `SESSION_EXPIRED` for 404 or JSON-RPC -32001 on a request that named a
 *   session, and for 400 that says the session id is missing;
 * - `UNAUTHORIZED` for 401, `HTTP` with `status` and `retryAfterMs` for any
 *   other failed POST, `NETWORK` when no response came at all;
 * - a watch on each request's response stream, so a cut stream ends in an
 *   error the retry policy handles instead of a wait for the timeout;
 * - aborting the HTTP request of a JSON-RPC request the SDK cancelled (on
 *   timeout or abort), which the SDK itself leaves running on 2025-era
 *   exchanges.
 *
 * Some failures are the SDK's to read and pass through untouched: the
 * `server/discover` probe's refusals (a 2025-era server's 400 or 404 is how
 * the SDK knows to fall back to `initialize`), a 2026-07-28 request's 400
 * with a JSON-RPC error (delivered in-band), and 401 and 403 when an OAuth
 * `authProvider` runs the authorization flow. GET and DELETE pass through
 * too: the SDK expects 405 on GET and reads DELETE's status itself. So does
 * everything not sent to the MCP endpoint: the OAuth flow's own requests
 * (discovery, registration, the token endpoint) go through this fetch too.
 */
import { MCPClientError, SESSION_NOT_FOUND_RPC_CODE } from "./errors.js";
import type { FetchFunction } from "./options.js";
import { watchResponseStream } from "./response-stream.js";
import { parseRetryAfterMs } from "./retry.js";
import { unauthorizedError } from "./token-fetch.js";

/** Header that asks Archon to resume a session at `initialize`. */
export const ARCHON_SESSION_HEADER = "X-Archon-Session-Id";

/** Header of the standard MCP session id. */
const MCP_SESSION_HEADER = "mcp-session-id";

/** Header of the protocol version; its value is a date, so later revisions sort later. */
const MCP_PROTOCOL_VERSION_HEADER = "mcp-protocol-version";

/** The first revision of the modern era, whose requests carry no session. */
const FIRST_MODERN_REVISION = "2026-07-28";

/** Most characters of a server's error message kept in a client error message. */
const MAX_SERVER_MESSAGE_CHARS = 200;

/** Options of `createTransportFetch`. */
export interface TransportFetchOptions {
	/** The MCP endpoint; requests elsewhere pass through untouched. */
	readonly endpoint: URL;
	/** The fetch that reaches the network (with `getToken`'s header, when set). */
	readonly fetch: FetchFunction;
	/** The session to ask for at the next `initialize`, read when it is sent. */
	readonly resumeId: () => string | undefined;
	/** True when an OAuth provider answers 401 and 403 itself (the SDK's `authProvider`). */
	readonly oauth: boolean;
	/** The client's mark for the answers it appends to cut streams (see `response-stream.ts`). */
	readonly streamMark: string;
}

/** The JSON-RPC fields this wrapper reads from a request body. */
interface OutgoingMessage {
	readonly id?: string | number;
	readonly method?: string;
	readonly params?: { readonly requestId?: string | number };
}

/** Creates the fetch for one SDK transport (one connection: JSON-RPC ids are unique within it). */
export function createTransportFetch(options: TransportFetchOptions): FetchFunction {
	const inFlight = new Map<string | number, AbortController>();
	return async (input, init = {}) => {
		const post = (init.method ?? "GET").toUpperCase() === "POST";
		if (!post || String(input) !== options.endpoint.href) return options.fetch(input, init);
		const message = readMessage(init.body);
		const cancelled = message?.method === "notifications/cancelled" ? message.params : undefined;
		if (cancelled?.requestId !== undefined) inFlight.get(cancelled.requestId)?.abort();

		const headers = new Headers(init.headers);
		const resumeId = message?.method === "initialize" ? options.resumeId() : undefined;
		if (resumeId !== undefined) headers.set(ARCHON_SESSION_HEADER, resumeId);
		const ownAbort = new AbortController();
		const signal = init.signal ? AbortSignal.any([init.signal, ownAbort.signal]) : ownAbort.signal;
		const requestId = message?.method !== undefined ? message.id : undefined;
		if (requestId !== undefined) inFlight.set(requestId, ownAbort);
		const modern = (headers.get(MCP_PROTOCOL_VERSION_HEADER) ?? "") >= FIRST_MODERN_REVISION;
		try {
			let response: Response;
			try {
				response = await options.fetch(input, { ...init, headers, signal });
			} catch (error) {
				// Our own aborts are reported by whoever aborted; typed errors (from getToken) stand.
				if (signal.aborted || error instanceof MCPClientError) throw error;
				throw new MCPClientError("NETWORK", `No response from ${String(input)}`, { cause: error });
			}
			if (response.ok) {
				// A cut probe is no era verdict; the SDK reports it as a failed probe.
				if (requestId === undefined || message?.method === "server/discover") return response;
				return watchResponseStream(response, {
					requestId,
					resumable: !modern,
					mark: options.streamMark,
					signal,
				});
			}
			if (passesThrough(response.status, message?.method, modern, options.oauth)) return response;
			throw await errorOf(response, headers.has(MCP_SESSION_HEADER));
		} finally {
			if (requestId !== undefined) inFlight.delete(requestId);
		}
	};
}

/** The failures the SDK reads itself (see the file comment). */
function passesThrough(
	status: number,
	method: string | undefined,
	modern: boolean,
	oauth: boolean,
): boolean {
	if (oauth && (status === 401 || status === 403)) return true;
	// Transient and auth failures of the probe stay ours: retried, or a typed UNAUTHORIZED.
	if (method === "server/discover") return status !== 401 && status !== 429 && status < 500;
	return modern && status === 400;
}

/** The typed error for a failed POST. */
async function errorOf(response: Response, namedSession: boolean): Promise<MCPClientError> {
	if (response.status === 401) return unauthorizedError(response);
	const text = await response.text().catch(() => "");
	const rpc = readRpcError(text);
	const status = response.status;
	const detail = (rpc?.message ?? response.statusText).slice(0, MAX_SERVER_MESSAGE_CHARS);
	const message = `HTTP ${status}${detail ? `: ${detail}` : ""}`;
	const details = { status, rpcCode: rpc?.code };
	const unknownSession =
		namedSession && (status === 404 || rpc?.code === SESSION_NOT_FOUND_RPC_CODE);
	// Servers answer 400 when the session header is missing (Archon) or not valid (the SDK's server).
	const missingSession = status === 400 && /session/i.test(rpc?.message ?? "");
	if (unknownSession || missingSession)
		return new MCPClientError("SESSION_EXPIRED", message, details);
	const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"), Date.now());
	return new MCPClientError("HTTP", message, { ...details, retryAfterMs });
}

function readMessage(body: unknown): OutgoingMessage | undefined {
	if (typeof body !== "string") return undefined;
	try {
		const parsed: unknown = JSON.parse(body);
		return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
			? (parsed as OutgoingMessage)
			: undefined;
	} catch {
		return undefined;
	}
}

function readRpcError(text: string): { code: number; message: string } | undefined {
	try {
		const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
		const { code, message } = parsed.error ?? {};
		return typeof code === "number" && typeof message === "string" ? { code, message } : undefined;
	} catch {
		return undefined;
	}
}
