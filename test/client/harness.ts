/**
 * Shared pieces of the client tests: a fetch that reaches the Worker under
 * test (both lanes) and records every exchange (optionally answering some
 * itself, to inject faults), and readers of the D1 mirror.
 */
import { env, exports } from "cloudflare:workers";
import { MCPClient, type MCPClientOptions } from "../../src/client/index";
import { forgetAllVerdicts } from "../../src/client/protocol-verdicts";
import { type SessionRowRaw, sessionRow } from "../helpers/d1";
import { syncMirror } from "../helpers/mcp";

export { sessionStub, structured } from "../helpers/mcp";

/** The MCP endpoint as the tests reach it. */
export const MCP_URL = "http://localhost/mcp";

/** One HTTP request the client sent, and what came of it. */
export interface Exchange {
	readonly method: string;
	/** JSON-RPC method of a POST body, e.g. `tools/call`. */
	readonly rpcMethod: string | undefined;
	/** JSON-RPC id of a POST body, when it is a request. */
	readonly rpcId: string | number | undefined;
	/** The parsed POST body. */
	readonly body: RpcBody | undefined;
	readonly headers: Headers;
	readonly signal: AbortSignal | undefined;
	/** HTTP status of the answer, or `error` when the fetch rejected. */
	outcome?: number | "error";
}

/**
 * Answers an exchange instead of the Worker: a `Response` or a promise of one,
 * an `Error` to reject with (a network failure), or undefined to pass it on.
 */
export type Interceptor = (exchange: Exchange) => Response | Promise<Response> | Error | undefined;

/** A JSON-RPC message as the tests read it. */
export interface RpcBody {
	readonly id?: string | number;
	readonly method?: string;
	readonly params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
}

/** Sends a request to the Worker under test. */
export function workerFetch(input: string | URL, init?: RequestInit): Promise<Response> {
	return exports.default.fetch(new Request(input, init));
}

/** A fetch for the client that records every exchange and lets `intercept` answer some. */
export class RecordingFetch {
	readonly exchanges: Exchange[] = [];
	readonly #intercept: Interceptor | undefined;

	constructor(intercept?: Interceptor) {
		this.#intercept = intercept;
	}

	readonly fetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
		const body = rpcBodyOf(init.body);
		const exchange: Exchange = {
			method: (init.method ?? "GET").toUpperCase(),
			rpcMethod: body?.method,
			rpcId: body?.method === undefined ? undefined : body.id,
			body,
			headers: new Headers(init.headers),
			signal: init.signal ?? undefined,
		};
		this.exchanges.push(exchange);
		try {
			const intercepted = this.#intercept?.(exchange);
			if (intercepted instanceof Error) throw intercepted;
			const response = await (intercepted ?? workerFetch(input, init));
			exchange.outcome = response.status;
			return response;
		} catch (error) {
			exchange.outcome = "error";
			throw error;
		}
	};

	/** Exchanges whose JSON-RPC method (or, for GET and DELETE, HTTP method) is `name`. */
	of(name: string): Exchange[] {
		return this.exchanges.filter((e) => (e.rpcMethod ?? e.method) === name);
	}
}

/** The two eras, as `protocol` values: the session lane and the modern lane of the Worker. */
export const ERAS = ["legacy", "2026-07-28"] as const;

/**
 * A client on the Worker under test, with a name unique to the test so D1
 * rows can be found by it. It speaks the 2025 era (the session lane) unless
 * the test asks for another `protocol`: most client tests are about sessions.
 */
export function testClient(
	fetch: RecordingFetch,
	options: Partial<MCPClientOptions> = {},
): MCPClient {
	return new MCPClient({
		url: MCP_URL,
		protocol: "legacy",
		fetch: fetch.fetch,
		clientName: uniqueClientName(),
		// Retries never wait for real in these tests unless a test says otherwise.
		sleep: async () => {},
		...options,
	});
}

/** A client name no other test uses. */
export function uniqueClientName(): string {
	return `client-test-${crypto.randomUUID()}`;
}

/** A response the Worker never sent: a JSON-RPC error with `status`. */
export function errorResponse(
	status: number,
	message: string,
	headers: Record<string, string> = {},
): Response {
	return new Response(
		JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }),
		{
			status,
			headers: { "content-type": "application/json", ...headers },
		},
	);
}

/** Flushes the session's mirror, then reads its D1 row. */
export async function mirroredRow(sessionId: string): Promise<SessionRowRaw | null> {
	await syncMirror(sessionId);
	return sessionRow(sessionId);
}

/** Every D1 session row of a client name (flush the sessions first). */
export async function rowsOfClient(clientName: string): Promise<SessionRowRaw[]> {
	const { results } = await env.DB.prepare(
		"SELECT * FROM archon_mcp_sessions WHERE client_name = ?",
	)
		.bind(clientName)
		.all<SessionRowRaw>();
	return results;
}

/** Forgets what earlier tests learned about each endpoint's era, so every test starts fresh. */
export function forgetEras(): void {
	forgetAllVerdicts();
}

function rpcBodyOf(body: unknown): RpcBody | undefined {
	if (typeof body !== "string") return undefined;
	try {
		return JSON.parse(body) as RpcBody;
	} catch {
		return undefined;
	}
}
