/**
 * The `fetch` the SDK transport sends through. It adds what the SDK does not
 * know about and turns HTTP failures into typed errors while the response is
 * still at hand (the SDK keeps only the status and drops `Retry-After`):
 *
 * - `X-Archon-Session-Id` on `initialize`, so the server resumes that session
 *   if it still lives (Archon's resume rule; see `src/session/session-routing.ts`);
 * - `SESSION_EXPIRED` for 404 or JSON-RPC -32001 on a request that named a
 *   session, and for 400 that says the session id is missing;
 * - `HTTP` with `status` and `retryAfterMs` for any other failed POST,
 *   `NETWORK` when no response came at all;
 * - aborting the HTTP request of a JSON-RPC request the SDK cancelled (on
 *   timeout or abort), which the SDK itself leaves running.
 *
 * GET and DELETE pass through untouched: the SDK expects 405 on GET and
 * reads DELETE's status itself.
 */
import { MCPClientError, SESSION_NOT_FOUND_RPC_CODE } from "./errors.js";
import type { FetchFunction } from "./options.js";
import { parseRetryAfterMs } from "./retry.js";

/** Header that asks Archon to resume a session at `initialize`. */
export const ARCHON_SESSION_HEADER = "X-Archon-Session-Id";

/** Header of the standard MCP session id. */
const MCP_SESSION_HEADER = "mcp-session-id";

/** Most characters of a server's error message kept in a client error message. */
const MAX_SERVER_MESSAGE_CHARS = 200;

/** Options of `createSessionFetch`. */
export interface SessionFetchOptions {
	/** The fetch that reaches the network. */
	readonly fetch: FetchFunction;
	/** The session to ask for at the next `initialize`, read when it is sent. */
	readonly resumeId: () => string | undefined;
}

/** The JSON-RPC fields this wrapper reads from a request body. */
interface OutgoingMessage {
	readonly id?: string | number;
	readonly method?: string;
	readonly params?: { readonly requestId?: string | number };
}

/** Creates the fetch for one SDK transport (one session: JSON-RPC ids are unique within it). */
export function createSessionFetch(options: SessionFetchOptions): FetchFunction {
	const inFlight = new Map<string | number, AbortController>();
	return async (input, init = {}) => {
		if ((init.method ?? "GET").toUpperCase() !== "POST") return options.fetch(input, init);
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
		try {
			let response: Response;
			try {
				response = await options.fetch(input, { ...init, headers, signal });
			} catch (error) {
				// Our own aborts are reported by whoever aborted; only a real failure is NETWORK.
				if (signal.aborted) throw error;
				throw new MCPClientError("NETWORK", `No response from ${String(input)}`, { cause: error });
			}
			if (response.ok) return response;
			throw await errorOf(response, headers.has(MCP_SESSION_HEADER));
		} finally {
			if (requestId !== undefined) inFlight.delete(requestId);
		}
	};
}

/** The typed error for a failed POST. */
async function errorOf(response: Response, namedSession: boolean): Promise<MCPClientError> {
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
