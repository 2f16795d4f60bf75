/**
 * Structured JSON logs, one object per line, which Workers Logs and
 * `wrangler tail` index by field. Callers pass ids and counts, never a secret
 * or a request body, and name fields with OpenTelemetry's MCP attributes
 * where one applies (`src/telemetry/attributes.ts`).
 *
 * Lines below `LOG_LEVEL` (`info` unless set) are dropped before they are
 * built: a `console.log` is not free (under `wrangler dev` each line crosses
 * to the wrangler process; `bench/README.md` measured a debug line per
 * request at a quarter of a legacy tool call's CPU).
 */
import { env } from "cloudflare:workers";
import { isLogLevel, LOG_LEVELS, type LogLevel } from "./log-level";

export type { LogLevel } from "./log-level";

/** Fields of a log line: flat values so log search can filter on them. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** The lowest severity written, read from `LOG_LEVEL` once per isolate (a bad value is reported by `readConfig`). */
let threshold: number | undefined;

function write(level: LogLevel, event: string, fields: LogFields): void {
	if (threshold === undefined) {
		const configured = env.LOG_LEVEL?.trim();
		threshold = LOG_LEVELS.indexOf(isLogLevel(configured) ? configured : "info");
	}
	if (LOG_LEVELS.indexOf(level) < threshold) return;
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
