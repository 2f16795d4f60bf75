/**
 * W3C Trace Context carried in an MCP request's `params._meta` (OpenTelemetry
 * MCP conventions, "Context propagation": `traceparent` and `tracestate` are
 * `_meta` keys). The server does not start spans of its own; it keeps the
 * client's `traceparent` on the request's log line and row, so a trace in the
 * client's backend leads to them.
 */

/** `version-traceid-parentid-flags`, lower-case hex (W3C Trace Context §3.2). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The all-zero ids the spec declares invalid. */
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_PARENT_ID = "0".repeat(16);

/**
 * The valid `traceparent` in a request's params (`params._meta.traceparent`),
 * or null when there is none or it is malformed (then it is ignored, as the
 * spec asks of a receiver).
 *
 * @example
 * traceparentOf({ _meta: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } })
 */
export function traceparentOf(params: unknown): string | null {
	const meta = recordOf(recordOf(params)?._meta);
	const value = meta?.traceparent;
	if (typeof value !== "string") return null;
	const match = TRACEPARENT.exec(value);
	if (!match || match[1] === "ff" || match[2] === ZERO_TRACE_ID || match[3] === ZERO_PARENT_ID) {
		return null;
	}
	return value;
}

/** The trace id of a valid `traceparent`. */
export function traceIdOf(traceparent: string): string {
	return traceparent.slice(3, 35);
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}
