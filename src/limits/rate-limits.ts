/**
 * The server's rate limits, each counted by one `RateLimiterObject` per
 * subject, and the 429 a refused request gets:
 *
 * | Rule                | Subject                         | Limit (configuration)                  |
 * | ------------------- | ------------------------------- | -------------------------------------- |
 * | `mcp`               | the user (`/mcp`, both eras)    | `MCP_RATE_LIMIT_PER_MINUTE`            |
 * | `sign-in-email`     | the email typed on `/authorize` | `SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR`  |
 * | `sign-in-ip`        | the client IP on `/authorize`   | `SIGN_IN_FAILURES_PER_IP_PER_HOUR`     |
 * | `oauth-register-ip` | the client IP on `/oauth/register` | `OAUTH_REGISTRATIONS_PER_IP_PER_HOUR` |
 *
 * Emails and IP addresses name their objects by SHA-256, so no address is
 * kept in an object name.
 */
import { sha256Hex } from "../auth/credentials";
import type { ServerConfig } from "../config";
import { JsonRpcCode, McpHttpError } from "../errors";
import type { RateDecision, RateLimit, RateLimiterObject } from "./rate-limiter-object";

/** What a limit counts. */
export type RateRule = "mcp" | "sign-in-email" | "sign-in-ip" | "oauth-register-ip";

/** One minute and one hour, in milliseconds. */
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The namespace binding of the counters. */
export type RateLimiterNamespace = DurableObjectNamespace<RateLimiterObject>;

/** The limit of `rule` under `config`. */
export function rateLimitOf(config: ServerConfig, rule: RateRule): RateLimit {
	switch (rule) {
		case "mcp":
			return { limit: config.mcpRateLimitPerMinute, periodMs: MINUTE_MS };
		case "sign-in-email":
			return { limit: config.signInFailuresPerEmailPerHour, periodMs: HOUR_MS };
		case "sign-in-ip":
			return { limit: config.signInFailuresPerIpPerHour, periodMs: HOUR_MS };
		case "oauth-register-ip":
			return { limit: config.oauthRegistrationsPerIpPerHour, periodMs: HOUR_MS };
	}
}

/** The counter of `subject` under `rule`. */
export class RateCounter {
	readonly #stub: DurableObjectStub<RateLimiterObject>;
	readonly #rate: RateLimit;

	private constructor(stub: DurableObjectStub<RateLimiterObject>, rate: RateLimit) {
		this.#stub = stub;
		this.#rate = rate;
	}

	/**
	 * The counter of a user id (kept as is) or of an email or address (kept as
	 * its SHA-256).
	 *
	 * @example
	 * const counter = await RateCounter.of(env.RATE_LIMITER, config, "sign-in-ip", clientIp(request));
	 * const decision = await counter.take();
	 */
	static async of(
		namespace: RateLimiterNamespace | undefined,
		config: ServerConfig,
		rule: RateRule,
		subject: string,
	): Promise<RateCounter> {
		if (!namespace) {
			throw new Error(
				'The Durable Object binding "RATE_LIMITER" is missing: add [[durable_objects.bindings]] name = "RATE_LIMITER", class_name = "RateLimiterObject" to wrangler.toml.',
			);
		}
		const key = rule === "mcp" ? subject : await sha256Hex(subject);
		return new RateCounter(
			namespace.get(namespace.idFromName(`${rule}:${key}`)),
			rateLimitOf(config, rule),
		);
	}

	/** Counts one request if allowed. */
	take(): Promise<RateDecision> {
		return this.#stub.take(this.#rate);
	}

	/** Gives one counted request back. */
	give(): Promise<void> {
		return this.#stub.give(this.#rate);
	}
}

/** The client's IP address as Cloudflare (and `wrangler dev`) report it; `unknown` when absent (tests). */
export function clientIp(request: Request): string {
	return request.headers.get("cf-connecting-ip") ?? "unknown";
}

/** The `Retry-After` header of a refusal. */
export function retryAfter(decision: RateDecision): Record<string, string> {
	return { "Retry-After": String(Math.max(1, decision.retryAfterSeconds)) };
}

/**
 * Counts one `/mcp` request of `userId`; throws 429 with `Retry-After` and a
 * JSON-RPC error (-32002) past `MCP_RATE_LIMIT_PER_MINUTE`.
 */
export async function enforceMcpRateLimit(
	namespace: RateLimiterNamespace | undefined,
	config: ServerConfig,
	userId: string,
): Promise<void> {
	const decision = await (await RateCounter.of(namespace, config, "mcp", userId)).take();
	if (decision.allowed) return;
	throw new McpHttpError(
		429,
		JsonRpcCode.LimitExceeded,
		`Too many requests: at most ${config.mcpRateLimitPerMinute} per minute per user`,
		retryAfter(decision),
	);
}
