/**
 * Server configuration, read from the Worker's bindings once per `env` object
 * and validated, with every default in one place.
 */

import { LOG_LEVELS, type LogLevel } from "./log-level";

/** Defaults for every setting, with units in the names. */
export const CONFIG_DEFAULTS = {
	/** Idle time after which a session expires (1 hour). */
	SESSION_TIMEOUT_SECONDS: 3600,
	/** Lower bound of a per-client idle timeout (1 minute). */
	MIN_SESSION_TIMEOUT_SECONDS: 60,
	/** Upper bound of a per-client idle timeout (1 day). */
	MAX_SESSION_TIMEOUT_SECONDS: 86_400,
	/** Live sessions one user may hold at once. */
	MAX_SESSIONS_PER_USER: 50,
	/** What a new session past the limit does: end the user's least recently active one, or be refused. */
	SESSION_LIMIT_POLICY: "evict",
	/** Authentication on `/mcp`: `required`, or `off` (honoured only for requests to a loopback host). */
	AUTH_MODE: "required",
	/** How long after its idle expiry a session may be revived by its user (7 days); 0 turns revival off. */
	SESSION_REVIVAL_SECONDS: 7 * 24 * 3600,
	/** Idle time after which a session that has served no request since its handshake expires (5 minutes). */
	SESSION_UNUSED_TIMEOUT_SECONDS: 300,
	/** Requests one user may make to `/mcp` per minute, both eras together. */
	MCP_RATE_LIMIT_PER_MINUTE: 600,
	/** Failed sign-ins on `/authorize` per email address per hour. */
	SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR: 10,
	/** Failed sign-ins on `/authorize` per client IP address per hour. */
	SIGN_IN_FAILURES_PER_IP_PER_HOUR: 100,
	/** Dynamic client registrations (`POST /oauth/register`) per client IP address per hour. */
	OAUTH_REGISTRATIONS_PER_IP_PER_HOUR: 20,
	/** Dynamic client registration (RFC 7591): `on`, or `off` (Client ID Metadata Documents still work). */
	OAUTH_DCR: "on",
	/** Days a row of the request log is kept. */
	REQUEST_RETENTION_DAYS: 30,
	/** Days an ended session's row (and its request rows) is kept after it ended. */
	SESSION_RETENTION_DAYS: 90,
	/** The lowest severity of log line written (`debug`, `info`, `warn`, `error`). */
	LOG_LEVEL: "info",
	/** Request tracking: `on`, or `off` for the benchmark only (honoured only for loopback requests). */
	BENCH_TRACKING: "on",
} as const;

/** Bounds for every timeout setting (10 seconds to 7 days). */
const SESSION_TIMEOUT_RANGE_SECONDS = { min: 10, max: 7 * 24 * 3600 } as const;

/** Bounds of the revival window (off, up to 30 days: the D1 row it is restored from must still be there). */
const SESSION_REVIVAL_RANGE_SECONDS = { min: 0, max: 30 * 24 * 3600 } as const;
/** Bounds of `MAX_SESSIONS_PER_USER`. */
const COUNT_RANGE = { min: 1, max: 10_000 } as const;

/** Bounds of every rate limit (requests or failures per period). */
const RATE_RANGE = { min: 1, max: 1_000_000 } as const;

/** Bounds of the retention windows (1 day to 10 years). */
const RETENTION_RANGE_DAYS = { min: 1, max: 3650 } as const;
/** Whether request rows are written; `off` exists for `npm run bench` only. */
export type BenchTracking = "on" | "off";

/** Whether `/mcp` requires credentials. */
export type AuthMode = "required" | "off";

/** What a new session beyond `MAX_SESSIONS_PER_USER` does. */
export type SessionLimitPolicy = "evict" | "refuse";

/** Whether dynamic client registration is served. */
export type DcrMode = "on" | "off";

/** Validated server configuration. */
export interface ServerConfig {
	/** Idle time after which a session expires, in seconds. */
	readonly sessionTimeoutSeconds: number;
	/** Browser origins allowed besides the server's own and loopback in dev (exact `scheme://host[:port]`). */
	readonly allowedOrigins: ReadonlySet<string>;
	/** Bounds a per-client idle timeout is clamped to, in seconds. */
	readonly minSessionTimeoutSeconds: number;
	readonly maxSessionTimeoutSeconds: number;
	/** Live sessions one user may hold at once. */
	readonly maxSessionsPerUser: number;
	readonly sessionLimitPolicy: SessionLimitPolicy;
	readonly authMode: AuthMode;
	/** How long after its idle expiry a session may be revived, in seconds; 0 when revival is off. */
	readonly sessionRevivalSeconds: number;
	/** Idle timeout of a session that has served no request since its handshake, in seconds. */
	readonly sessionUnusedTimeoutSeconds: number;
	/** Requests one user may make to `/mcp` per minute. */
	readonly mcpRateLimitPerMinute: number;
	/** Failed sign-ins allowed per email address, and per client IP address, per hour. */
	readonly signInFailuresPerEmailPerHour: number;
	readonly signInFailuresPerIpPerHour: number;
	/** Dynamic client registrations allowed per client IP address per hour. */
	readonly oauthRegistrationsPerIpPerHour: number;
	readonly oauthDcr: DcrMode;
	/** How long request rows, and ended sessions, are kept (days). */
	readonly requestRetentionDays: number;
	readonly sessionRetentionDays: number;
	/** The lowest severity of log line written (`src/log.ts`). */
	readonly logLevel: LogLevel;
	/** Bench-only: `off` skips request rows, for loopback requests only (`http/bench-tracking.ts`). */
	readonly benchTracking: BenchTracking;
}

/** The names of every setting read from the Worker's bindings. */
type ConfigName =
	| "SESSION_TIMEOUT_SECONDS"
	| "ALLOWED_ORIGINS"
	| "MIN_SESSION_TIMEOUT_SECONDS"
	| "MAX_SESSION_TIMEOUT_SECONDS"
	| "MAX_SESSIONS_PER_USER"
	| "SESSION_LIMIT_POLICY"
	| "AUTH_MODE"
	| "SESSION_REVIVAL_SECONDS"
	| "SESSION_UNUSED_TIMEOUT_SECONDS"
	| "MCP_RATE_LIMIT_PER_MINUTE"
	| "SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR"
	| "SIGN_IN_FAILURES_PER_IP_PER_HOUR"
	| "OAUTH_REGISTRATIONS_PER_IP_PER_HOUR"
	| "OAUTH_DCR"
	| "REQUEST_RETENTION_DAYS"
	| "SESSION_RETENTION_DAYS"
	| "LOG_LEVEL"
	| "BENCH_TRACKING";

/** The configuration-related bindings; the rest of `Env` is not read here. */
export type ConfigBindings = Partial<Record<ConfigName, string>>;

const cache = new WeakMap<object, ServerConfig>();

/**
 * Reads and validates the configuration from the Worker's bindings.
 * Throws with a message that says which variable to fix in `wrangler.toml`.
 */
export function readConfig(env: ConfigBindings): ServerConfig {
	const cached = cache.get(env);
	if (cached) return cached;
	const minSessionTimeoutSeconds = parseSeconds(
		"MIN_SESSION_TIMEOUT_SECONDS",
		env.MIN_SESSION_TIMEOUT_SECONDS,
		CONFIG_DEFAULTS.MIN_SESSION_TIMEOUT_SECONDS,
	);
	const maxSessionTimeoutSeconds = parseSeconds(
		"MAX_SESSION_TIMEOUT_SECONDS",
		env.MAX_SESSION_TIMEOUT_SECONDS,
		CONFIG_DEFAULTS.MAX_SESSION_TIMEOUT_SECONDS,
	);
	if (minSessionTimeoutSeconds > maxSessionTimeoutSeconds) {
		throw new Error("MIN_SESSION_TIMEOUT_SECONDS must not exceed MAX_SESSION_TIMEOUT_SECONDS.");
	}
	const config: ServerConfig = {
		sessionTimeoutSeconds: parseSeconds(
			"SESSION_TIMEOUT_SECONDS",
			env.SESSION_TIMEOUT_SECONDS,
			CONFIG_DEFAULTS.SESSION_TIMEOUT_SECONDS,
		),
		allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
		minSessionTimeoutSeconds,
		maxSessionTimeoutSeconds,
		maxSessionsPerUser: parseInteger("MAX_SESSIONS_PER_USER", env, COUNT_RANGE),
		sessionLimitPolicy: parseChoice(
			"SESSION_LIMIT_POLICY",
			env.SESSION_LIMIT_POLICY,
			["evict", "refuse"],
			CONFIG_DEFAULTS.SESSION_LIMIT_POLICY,
		),
		authMode: parseChoice(
			"AUTH_MODE",
			env.AUTH_MODE,
			["required", "off"],
			CONFIG_DEFAULTS.AUTH_MODE,
		),
		sessionRevivalSeconds: parseSeconds(
			"SESSION_REVIVAL_SECONDS",
			env.SESSION_REVIVAL_SECONDS,
			CONFIG_DEFAULTS.SESSION_REVIVAL_SECONDS,
			SESSION_REVIVAL_RANGE_SECONDS,
		),
		sessionUnusedTimeoutSeconds: parseSeconds(
			"SESSION_UNUSED_TIMEOUT_SECONDS",
			env.SESSION_UNUSED_TIMEOUT_SECONDS,
			CONFIG_DEFAULTS.SESSION_UNUSED_TIMEOUT_SECONDS,
		),
		mcpRateLimitPerMinute: parseInteger("MCP_RATE_LIMIT_PER_MINUTE", env, RATE_RANGE),
		signInFailuresPerEmailPerHour: parseInteger(
			"SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR",
			env,
			RATE_RANGE,
		),
		signInFailuresPerIpPerHour: parseInteger("SIGN_IN_FAILURES_PER_IP_PER_HOUR", env, RATE_RANGE),
		oauthRegistrationsPerIpPerHour: parseInteger(
			"OAUTH_REGISTRATIONS_PER_IP_PER_HOUR",
			env,
			RATE_RANGE,
		),
		oauthDcr: parseChoice("OAUTH_DCR", env.OAUTH_DCR, ["on", "off"], CONFIG_DEFAULTS.OAUTH_DCR),
		requestRetentionDays: parseInteger("REQUEST_RETENTION_DAYS", env, RETENTION_RANGE_DAYS),
		sessionRetentionDays: parseInteger("SESSION_RETENTION_DAYS", env, RETENTION_RANGE_DAYS),
		logLevel: parseChoice("LOG_LEVEL", env.LOG_LEVEL, LOG_LEVELS, CONFIG_DEFAULTS.LOG_LEVEL),
		benchTracking: parseChoice(
			"BENCH_TRACKING",
			env.BENCH_TRACKING,
			["on", "off"],
			CONFIG_DEFAULTS.BENCH_TRACKING,
		),
	};
	cache.set(env, config);
	return config;
}

/**
 * A per-client idle timeout clamped into the configured bounds; the server
 * default when the client has none.
 */
export function clampSessionTimeout(config: ServerConfig, requested: number | null): number {
	if (requested === null) return config.sessionTimeoutSeconds;
	return Math.min(
		config.maxSessionTimeoutSeconds,
		Math.max(config.minSessionTimeoutSeconds, requested),
	);
}

function parseSeconds(
	name: ConfigName,
	raw: string | undefined,
	fallback: number,
	{ min, max }: { min: number; max: number } = SESSION_TIMEOUT_RANGE_SECONDS,
): number {
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(
			`${name} must be a whole number of seconds between ${min} and ${max}; got "${raw}". Fix it in wrangler.toml [vars] or .dev.vars.`,
		);
	}
	return value;
}

/** A whole-number setting with its default from `CONFIG_DEFAULTS`, within `range`. */
function parseInteger(
	name: ConfigName & keyof typeof CONFIG_DEFAULTS,
	env: ConfigBindings,
	range: { readonly min: number; readonly max: number },
): number {
	const raw = env[name];
	const fallback = CONFIG_DEFAULTS[name];
	if (typeof fallback !== "number") throw new Error(`${name} has no numeric default`);
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < range.min || value > range.max) {
		throw new Error(
			`${name} must be a whole number between ${range.min} and ${range.max}; got "${raw}". Fix it in wrangler.toml [vars].`,
		);
	}
	return value;
}

function parseChoice<T extends string>(
	name: ConfigName,
	raw: string | undefined,
	choices: readonly T[],
	fallback: T,
): T {
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = raw.trim();
	if ((choices as readonly string[]).includes(value)) return value as T;
	throw new Error(
		`${name} must be one of ${choices.join(", ")}; got "${raw}". Fix it in wrangler.toml [vars].`,
	);
}

function parseOrigins(raw: string | undefined): ReadonlySet<string> {
	const origins = new Set<string>();
	for (const entry of (raw ?? "").split(",")) {
		const trimmed = entry.trim();
		if (trimmed === "") continue;
		let origin: string;
		try {
			origin = new URL(trimmed).origin;
		} catch {
			throw new Error(
				`ALLOWED_ORIGINS must be a comma-separated list of origins such as https://app.example.com; "${trimmed}" is not one.`,
			);
		}
		origins.add(origin);
	}
	return origins;
}
