/**
 * Server configuration, read from the Worker's bindings once per `env` object
 * and validated, with every default in one place.
 */

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
	/** Request tracking: `on`, or `off` for the benchmark only (honoured only for loopback requests). */
	BENCH_TRACKING: "on",
} as const;

/** Bounds for every timeout setting (10 seconds to 7 days). */
const SESSION_TIMEOUT_RANGE_SECONDS = { min: 10, max: 7 * 24 * 3600 } as const;

/** Whether request rows are written; `off` exists for `npm run bench` only. */
export type BenchTracking = "on" | "off";

/** Whether `/mcp` requires credentials. */
export type AuthMode = "required" | "off";

/** What a new session beyond `MAX_SESSIONS_PER_USER` does. */
export type SessionLimitPolicy = "evict" | "refuse";

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
		maxSessionsPerUser: parseCount(env.MAX_SESSIONS_PER_USER),
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

function parseSeconds(name: ConfigName, raw: string | undefined, fallback: number): number {
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	const { min, max } = SESSION_TIMEOUT_RANGE_SECONDS;
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(
			`${name} must be a whole number of seconds between ${min} and ${max}; got "${raw}". Fix it in wrangler.toml [vars] or .dev.vars.`,
		);
	}
	return value;
}

function parseCount(raw: string | undefined): number {
	if (raw === undefined || raw.trim() === "") return CONFIG_DEFAULTS.MAX_SESSIONS_PER_USER;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1 || value > 10_000) {
		throw new Error(
			`MAX_SESSIONS_PER_USER must be a whole number between 1 and 10000; got "${raw}". Fix it in wrangler.toml [vars].`,
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
