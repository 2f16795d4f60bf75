/**
 * The one error type the client throws. Its `code` is a local string code; a
 * JSON-RPC code from the wire, when there is one, travels apart in `rpcCode`,
 * so the two vocabularies never mix (the SDK reuses -32001 for its own
 * request timeout, while Archon sends -32001 for an unknown session).
 */

import { type CallToolResult, ProtocolError, SdkHttpError } from "@modelcontextprotocol/client";

/**
 * Why a client operation failed.
 *
 * - `SESSION_EXPIRED`: the server no longer knows the session, and a fresh
 *   handshake did not help either (the client already re-initialized once).
 * - `TIMEOUT`: the operation took longer than `timeoutMs`, retries included.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `CLOSED`: the client was closed before or during the operation.
 * - `HTTP`: the server answered with an HTTP error status (see `status`).
 * - `NETWORK`: no HTTP response at all (DNS, connection reset, offline).
 * - `PROTOCOL`: the server answered, but with a JSON-RPC error or a message
 *   the SDK could not accept (see `rpcCode`).
 * - `TOOL`: a tool returned `isError: true` and the caller asked for it to
 *   throw (`throwOnToolError`); the result is in `toolResult`.
 */
export type MCPClientErrorCode =
	| "SESSION_EXPIRED"
	| "TIMEOUT"
	| "ABORTED"
	| "CLOSED"
	| "HTTP"
	| "NETWORK"
	| "PROTOCOL"
	| "TOOL";

/** Facts an `MCPClientError` may carry besides its code and message. */
export interface MCPClientErrorDetails {
	/** HTTP status of the response that failed, when there was one. */
	readonly status?: number;
	/** JSON-RPC error code the server sent, when there was one. */
	readonly rpcCode?: number;
	/** How long the server asked us to wait (`Retry-After`), in milliseconds. */
	readonly retryAfterMs?: number;
	/** The tool result of a `TOOL` error. */
	readonly toolResult?: CallToolResult;
	/** The underlying error. */
	readonly cause?: unknown;
}

/**
 * An error from `MCPClient` or its helpers.
 *
 * @example
 * try {
 *   await client.callTool("health_check");
 * } catch (error) {
 *   if (error instanceof MCPClientError && error.code === "HTTP" && error.status === 401) {
 *     // refresh the token and try again
 *   }
 * }
 */
export class MCPClientError extends Error {
	override readonly name = "MCPClientError";
	readonly code: MCPClientErrorCode;
	readonly status: number | undefined;
	readonly rpcCode: number | undefined;
	readonly retryAfterMs: number | undefined;
	readonly toolResult: CallToolResult | undefined;

	constructor(code: MCPClientErrorCode, message: string, details: MCPClientErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.code = code;
		this.status = details.status;
		this.rpcCode = details.rpcCode;
		this.retryAfterMs = details.retryAfterMs;
		this.toolResult = details.toolResult;
	}
}

/**
 * True when `error` is an `MCPClientError`, optionally with the given code.
 *
 * @example
 * if (isMCPClientError(error, "TIMEOUT")) retryLater();
 */
export function isMCPClientError(
	error: unknown,
	code?: MCPClientErrorCode,
): error is MCPClientError {
	return error instanceof MCPClientError && (code === undefined || error.code === code);
}

/** JSON-RPC code Archon (and the MCP SDK server) sends for an unknown or expired session. */
export const SESSION_NOT_FOUND_RPC_CODE = -32001;

/**
 * Maps what the SDK threw to an `MCPClientError`. Aborts and timeouts are not
 * decided here: the SDK reports both as the same `McpError`, so the caller,
 * who owns the signals, checks them first.
 */
export function toMCPClientError(error: unknown): MCPClientError {
	if (error instanceof MCPClientError) return error;
	if (error instanceof ProtocolError) {
		// A JSON-RPC error in a 200 response: -32001 on the wire still means "session not found".
		const code = error.code === SESSION_NOT_FOUND_RPC_CODE ? "SESSION_EXPIRED" : "PROTOCOL";
		return new MCPClientError(code, error.message, { rpcCode: error.code, cause: error });
	}
	if (error instanceof SdkHttpError) {
		return new MCPClientError("HTTP", error.message, { status: error.status, cause: error });
	}
	return new MCPClientError("PROTOCOL", describeError(error), { cause: error });
}

/** A short, log-safe description of an unknown thrown value. */
export function describeError(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
