/** Severities of a log line, lowest first: the values `LOG_LEVEL` takes. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** Severity of a log line. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Whether `value` names a severity. */
export function isLogLevel(value: unknown): value is LogLevel {
	return LOG_LEVELS.includes(value as LogLevel);
}
