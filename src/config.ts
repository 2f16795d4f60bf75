/**
 * Server configuration, read from the Worker's bindings once per `env` object
 * and validated, with every default in one place.
 */

/** Defaults for every setting, with units in the names. */
export const CONFIG_DEFAULTS = {
	/** Idle time after which a session expires (1 hour). */
	SESSION_TIMEOUT_SECONDS: 3600,
} as const;

/** Bounds for `SESSION_TIMEOUT_SECONDS` (10 seconds to 7 days). */
const SESSION_TIMEOUT_RANGE_SECONDS = { min: 10, max: 7 * 24 * 3600 } as const;

/** Validated server configuration. */
export interface ServerConfig {
	/** Idle time after which a session expires, in seconds. */
	readonly sessionTimeoutSeconds: number;
	/** Browser origins allowed besides the server's own and loopback in dev (exact `scheme://host[:port]`). */
	readonly allowedOrigins: ReadonlySet<string>;
}

/** The configuration-related bindings; the rest of `Env` is not read here. */
export type ConfigBindings = Partial<Record<"SESSION_TIMEOUT_SECONDS" | "ALLOWED_ORIGINS", string>>;

const cache = new WeakMap<object, ServerConfig>();

/**
 * Reads and validates the configuration from the Worker's bindings.
 * Throws with a message that says which variable to fix in `wrangler.toml`.
 */
export function readConfig(env: ConfigBindings): ServerConfig {
	const cached = cache.get(env);
	if (cached) return cached;
	const config: ServerConfig = {
		sessionTimeoutSeconds: parseTimeout(env.SESSION_TIMEOUT_SECONDS),
		allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
	};
	cache.set(env, config);
	return config;
}

function parseTimeout(raw: string | undefined): number {
	if (raw === undefined || raw.trim() === "") return CONFIG_DEFAULTS.SESSION_TIMEOUT_SECONDS;
	const value = Number(raw);
	const { min, max } = SESSION_TIMEOUT_RANGE_SECONDS;
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new Error(
			`SESSION_TIMEOUT_SECONDS must be a whole number of seconds between ${min} and ${max}; got "${raw}". Fix it in wrangler.toml [vars] or .dev.vars.`,
		);
	}
	return value;
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
