/**
 * The one error type this server answers on the wire, and the one mapper from
 * errors to HTTP responses carrying a JSON-RPC error object.
 */
import { log } from "./log";

/** JSON-RPC error codes used on the wire (JSON-RPC 2.0 §5.1 and MCP's -32000 range). */
export const JsonRpcCode = {
	ParseError: -32700,
	InvalidRequest: -32600,
	MethodNotFound: -32601,
	InvalidParams: -32602,
	InternalError: -32603,
	/** Transport-level rejection (MCP Streamable HTTP uses it for bad headers). */
	ServerError: -32000,
	/** Unknown, expired or deleted session: clients re-initialize on it. */
	SessionNotFound: -32001,
	/** A per-user or per-server limit refused the request. */
	LimitExceeded: -32002,
} as const;

/** A JSON-RPC error code this server emits. */
export type JsonRpcErrorCode = (typeof JsonRpcCode)[keyof typeof JsonRpcCode];

/**
 * An error that knows its HTTP status and JSON-RPC code. The message goes on
 * the wire as is, so it must never hold a secret or internal detail. `id` is
 * the JSON-RPC id of the request it answers, when one could be read.
 *
 * @example
 * throw new McpHttpError(404, JsonRpcCode.SessionNotFound, "Session not found");
 */
export class McpHttpError extends Error {
	override readonly name = "McpHttpError";

	constructor(
		readonly status: number,
		readonly code: JsonRpcErrorCode,
		message: string,
		readonly headers: Record<string, string> = {},
		readonly id: string | number | null = null,
	) {
		super(message);
	}
}

/**
 * 503 for a request that needs D1 while it cannot be reached: nothing was
 * created or changed, and the same request may be sent again shortly.
 */
export function serviceUnavailable(what: string): McpHttpError {
	return new McpHttpError(
		503,
		JsonRpcCode.InternalError,
		`Service Unavailable: ${what}; try again shortly`,
		{ "Retry-After": "5" },
	);
}

/**
 * Builds the JSON-RPC error response for an error. An `McpHttpError` keeps its
 * status, code and message; anything else is logged and becomes a generic 500
 * without details, so no stack trace or internal message reaches a client.
 */
export function errorResponse(error: unknown, extraHeaders: Record<string, string> = {}): Response {
	const known =
		error instanceof McpHttpError
			? error
			: new McpHttpError(500, JsonRpcCode.InternalError, "Internal error");
	if (!(error instanceof McpHttpError)) {
		log.error("request.failed", { error: describeError(error) });
	}
	const body = {
		jsonrpc: "2.0",
		error: { code: known.code, message: known.message },
		id: known.id,
	};
	return new Response(JSON.stringify(body), {
		status: known.status,
		headers: {
			"Content-Type": "application/json",
			"Cache-Control": "no-store",
			...known.headers,
			...extraHeaders,
		},
	});
}

/** A short, log-safe description of an unknown thrown value. */
export function describeError(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
