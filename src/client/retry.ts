/**
 * When and how long the client waits before trying again: which failures are
 * transient, capped exponential backoff with full jitter, and `Retry-After`.
 */
import type { MCPClientError } from "./errors.js";

/** How the client retries transient failures (network errors, 429, 502, 503, 504). */
export interface RetryOptions {
	/** Retries after the first attempt; 0 disables retrying. */
	readonly maxRetries: number;
	/** Ceiling of the first backoff delay, in milliseconds. */
	readonly initialDelayMs: number;
	/** Largest backoff delay, in milliseconds. A server's `Retry-After` is honoured even above it. */
	readonly maxDelayMs: number;
	/** Growth of the backoff ceiling per retry (1 keeps it constant). */
	readonly factor: number;
}

/** Default retry behaviour: 3 retries, backoff ceilings of 0.5 s, 1 s, 2 s … capped at 10 s. */
export const RETRY_DEFAULTS: RetryOptions = {
	maxRetries: 3,
	initialDelayMs: 500,
	maxDelayMs: 10_000,
	factor: 2,
};

/** HTTP statuses that say "try again later" rather than "this request is wrong". */
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * True when trying the same request again may succeed. Other 4xx are the
 * caller's to fix, and a timeout or abort means the caller has stopped waiting.
 */
export function isTransient(error: MCPClientError): boolean {
	if (error.code === "NETWORK") return true;
	return (
		error.code === "HTTP" && error.status !== undefined && TRANSIENT_STATUSES.has(error.status)
	);
}

/**
 * Full-jitter backoff: a uniform random delay below the capped exponential
 * ceiling, so clients that failed together do not retry together.
 *
 * @param retry 0 for the first retry.
 * @param random A function returning a number in [0, 1), `Math.random` unless a test injects one.
 */
export function backoffDelayMs(retry: number, options: RetryOptions, random: () => number): number {
	const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** retry);
	return Math.floor(random() * ceiling);
}

/** The delay before retry number `retry`: the server's `Retry-After` wins, else backoff. */
export function retryDelayMs(
	error: MCPClientError,
	retry: number,
	options: RetryOptions,
	random: () => number,
): number {
	return error.retryAfterMs ?? backoffDelayMs(retry, options, random);
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date.
 * Returns milliseconds, or undefined when the header is absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null, now: number): number | undefined {
	if (value === null) return undefined;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
