/**
 * Names from OpenTelemetry's semantic conventions for MCP (GenAI conventions,
 * "Semantic conventions for Model Context Protocol"), used as field names in
 * the structured logs and the metrics API, so log search and dashboards built
 * for other MCP servers read ours as they are.
 */

/** Span and log attributes. */
export const McpAttribute = {
	/** The JSON-RPC method of a request or notification, e.g. `tools/call`. */
	MethodName: "mcp.method.name",
	/** The MCP session; in logs, its first 8 characters only (session ids are never logged whole). */
	SessionId: "mcp.session.id",
	/** The protocol revision the request was served at, e.g. `2025-11-25`. */
	ProtocolVersion: "mcp.protocol.version",
	/** The tool a `tools/call` names. */
	ToolName: "gen_ai.tool.name",
	/** The JSON-RPC id of a request. */
	RequestId: "jsonrpc.request.id",
	/** Set when the request failed: `tool_error` (a tool result with `isError`) or the JSON-RPC error code. */
	ErrorType: "error.type",
} as const;

/** Metric names. */
export const McpMetric = {
	/** Histogram, seconds: from receiving a request to sending its result. */
	ServerOperationDuration: "mcp.server.operation.duration",
} as const;

/** The unit of `mcp.server.operation.duration`. */
export const DURATION_UNIT = "s";
