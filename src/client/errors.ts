/**
 * The one error type the client throws. Its `code` is a local string code; a
 * JSON-RPC code from the wire, when there is one, travels apart in `rpcCode`,
 * so the two vocabularies never mix (the SDK reuses -32001 for its own
 * request timeout, while Archon sends -32001 for an unknown session). The
 * SDK's own local errors (`SdkError`, string codes) are mapped here too.
 */

import {
	type CallToolResult,
	InsufficientScopeError,
	OAuthClientFlowError,
	OAuthError,
	ProtocolError,
	SdkError,
	SdkErrorCode,
	SdkHttpError,
	UnauthorizedError,
} from "@modelcontextprotocol/client";

/**
 * Why a client operation failed.
 *
 * - `SESSION_EXPIRED`: the server no longer knows the session, and a fresh
 *   handshake did not help either (the client already re-initialized once).
 * - `TIMEOUT`: the operation took longer than `timeoutMs`, retries included.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `CLOSED`: the client was closed before or during the operation.
 * - `HTTP`: the server answered with an HTTP error status (see `status`).
 * - `NETWORK`: no HTTP response at all (DNS, connection reset, offline), or
 *   a response stream that ended before the answer.
 * - `PROTOCOL`: the server answered, but with a JSON-RPC error or a message
 *   the SDK could not accept (see `rpcCode`), or the two sides share no
 *   protocol version (`protocol: "2026-07-28"` against a 2025-era server).
 * - `TOOL`: a tool returned `isError: true` and the caller asked for it to
 *   throw (`throwOnToolError`); the result is in `toolResult`.
 * - `UNAUTHORIZED`: the server answered 401 and a fresh token (from
 *   `getToken`) did not help, or there was nothing to refresh; an OAuth
 *   `authProvider` that needs the user (see `MCPClient.finishAuth`). The
 *   server's `resource_metadata` URL, when it sent one, is in `resourceMetadataUrl`.
 * - `INPUT_ROUNDS_EXCEEDED`: a 2026-07-28 server kept asking for input
 *   (`input_required`) for more than `maxRounds` rounds.
 */
export type MCPClientErrorCode =
	| "SESSION_EXPIRED"
	| "TIMEOUT"
	| "ABORTED"
	| "CLOSED"
	| "HTTP"
	| "NETWORK"
	| "PROTOCOL"
	| "TOOL"
	| "UNAUTHORIZED"
	| "INPUT_ROUNDS_EXCEEDED";

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
	/**
	 * The protected-resource metadata URL from the server's `WWW-Authenticate`
	 * challenge (RFC 9728), where a client finds the authorization server.
	 */
	readonly resourceMetadataUrl?: string;
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
 *   if (error instanceof MCPClientError && error.code === "UNAUTHORIZED") {
 *     console.log("sign in first; metadata at", error.resourceMetadataUrl);
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
	readonly resourceMetadataUrl: string | undefined;

	constructor(code: MCPClientErrorCode, message: string, details: MCPClientErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.code = code;
		this.status = details.status;
		this.rpcCode = details.rpcCode;
		this.retryAfterMs = details.retryAfterMs;
		this.toolResult = details.toolResult;
		this.resourceMetadataUrl = details.resourceMetadataUrl;
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
 * Key of the JSON-RPC `error.data` of the answer the client appends to a cut
 * SSE stream (`response-stream.ts`); its value is the client's random mark,
 * so a server cannot fake one.
 */
export const STREAM_BREAK_DATA_KEY = "archonStreamBreak";

/** True when `data` (a JSON-RPC error's data) marks the appended answer of the client with `mark`. */
function isStreamBreak(data: unknown, mark: string): boolean {
	return (
		typeof data === "object" &&
		data !== null &&
		(data as Record<string, unknown>)[STREAM_BREAK_DATA_KEY] === mark
	);
}

/** Most `cause` links followed when looking for an error this library threw. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Maps what the SDK threw to an `MCPClientError`. Aborts and timeouts are not
 * decided here: the SDK reports both as the same error, so the caller, who
 * owns the signals, checks them first.
 */
export function toMCPClientError(error: unknown, streamMark?: string): MCPClientError {
	// Our fetch throws typed errors; the SDK may wrap them (a failed era probe, say).
	const own = ownCause(error);
	if (own) return own;
	if (error instanceof ProtocolError && streamMark && isStreamBreak(error.data, streamMark)) {
		return new MCPClientError("NETWORK", "The response stream ended before the answer", {
			cause: error,
		});
	}
	if (error instanceof ProtocolError) {
		// A JSON-RPC error in a 200 response: -32001 on the wire still means "session not found".
		const code = error.code === SESSION_NOT_FOUND_RPC_CODE ? "SESSION_EXPIRED" : "PROTOCOL";
		return new MCPClientError(code, error.message, { rpcCode: error.code, cause: error });
	}
	if (error instanceof InsufficientScopeError) {
		return new MCPClientError("HTTP", `HTTP 403: ${error.message}`, {
			status: 403,
			resourceMetadataUrl: error.resourceMetadataUrl?.href,
			cause: error,
		});
	}
	if (
		error instanceof UnauthorizedError ||
		error instanceof OAuthClientFlowError ||
		error instanceof OAuthError ||
		(error instanceof SdkError && error.code === SdkErrorCode.ClientHttpAuthentication)
	) {
		return new MCPClientError("UNAUTHORIZED", error.message, { status: 401, cause: error });
	}
	if (error instanceof SdkHttpError) {
		return new MCPClientError("HTTP", error.message, { status: error.status, cause: error });
	}
	if (error instanceof SdkError && error.code === SdkErrorCode.InputRequiredRoundsExceeded) {
		return new MCPClientError("INPUT_ROUNDS_EXCEEDED", error.message, { cause: error });
	}
	return new MCPClientError("PROTOCOL", describeError(error), { cause: error });
}

function ownCause(error: unknown): MCPClientError | undefined {
	let current = error;
	for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
		if (current instanceof MCPClientError) return current;
		current = current.cause;
	}
	return undefined;
}

/** A short, log-safe description of an unknown thrown value. */
export function describeError(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
