/**
 * Structured JSON logs, one object per line, which Workers Logs and
 * `wrangler tail` index by field. Callers pass ids and counts, never a secret
 * or a request body, and name fields with OpenTelemetry's MCP attributes
 * where one applies (`src/telemetry/attributes.ts`).
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields of a log line: flat values so log search can filter on them. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

function write(level: LogLevel, event: string, fields: LogFields): void {
	const line = JSON.stringify({ level, event, ...fields });
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}

/**
 * The server's logger.
 *
 * @example
 * log.info("session.created", { [McpAttribute.SessionId]: shortId(id), clientType: "Cursor" });
 */
export const log = {
	debug: (event: string, fields: LogFields = {}) => write("debug", event, fields),
	info: (event: string, fields: LogFields = {}) => write("info", event, fields),
	warn: (event: string, fields: LogFields = {}) => write("warn", event, fields),
	error: (event: string, fields: LogFields = {}) => write("error", event, fields),
};
