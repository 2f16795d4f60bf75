/**
 * One structured log line per answered MCP request, in either era, with
 * OpenTelemetry's MCP attribute names, so `wrangler tail` and Workers Logs
 * can filter by method, tool, session or trace (docs/operations.md).
 */
import type { RequestEra, RequestStatus } from "../db/schema";
import { log } from "../log";
import { shortId } from "../session/session-id";
import { McpAttribute, McpMetric } from "./attributes";
import { traceIdOf } from "./trace-context";

/** The log event of an answered request. */
export const REQUEST_EVENT = "mcp.request";

/** What a lane knows about a request once it is answered. */
export interface ServedRequest {
	readonly era: RequestEra;
	/** The legacy session; null for a modern request. */
	readonly sessionId: string | null;
	readonly method: string;
	readonly toolName: string | null;
	/** The JSON-RPC id; null when the request had none the server could read. */
	readonly jsonrpcId: string | number | null;
	readonly protocolVersion: string | null;
	readonly durationMs: number;
	readonly status: RequestStatus;
	readonly traceparent: string | null;
}

/**
 * Logs `request` as `mcp.request`: the method, tool, session (first 8
 * characters), protocol version, JSON-RPC id, duration in seconds and the
 * client's trace, and `error.type` when it failed.
 */
export function logServedRequest(request: ServedRequest): void {
	log.info(REQUEST_EVENT, {
		era: request.era,
		[McpAttribute.MethodName]: request.method,
		[McpAttribute.ToolName]: request.toolName ?? undefined,
		[McpAttribute.SessionId]: request.sessionId === null ? undefined : shortId(request.sessionId),
		[McpAttribute.ProtocolVersion]: request.protocolVersion ?? undefined,
		[McpAttribute.RequestId]: request.jsonrpcId === null ? undefined : String(request.jsonrpcId),
		[McpMetric.ServerOperationDuration]: request.durationMs / 1000,
		status: request.status,
		[McpAttribute.ErrorType]: request.status === "error" ? "mcp_error" : undefined,
		traceparent: request.traceparent ?? undefined,
		trace_id: request.traceparent ? traceIdOf(request.traceparent) : undefined,
	});
}
