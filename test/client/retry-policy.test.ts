/**
 * The pure retry rules: which failures are transient, the backoff delays, and `Retry-After`.
 */
import { describe, expect, it } from "vitest";
import { MCPClientError } from "../../src/client/errors";
import { healthUrl } from "../../src/client/health";
import {
	backoffDelayMs,
	isTransient,
	parseRetryAfterMs,
	RETRY_DEFAULTS,
	retryDelayMs,
} from "../../src/client/retry";

describe("isTransient", () => {
	it.each([429, 502, 503, 504])("retries HTTP %i", (status) => {
		expect(isTransient(new MCPClientError("HTTP", "x", { status }))).toBe(true);
	});

	it.each([400, 401, 403, 404, 409, 500])("does not retry HTTP %i", (status) => {
		expect(isTransient(new MCPClientError("HTTP", "x", { status }))).toBe(false);
	});

	it("retries network errors only among the other codes", () => {
		expect(isTransient(new MCPClientError("NETWORK", "x"))).toBe(true);
		for (const code of [
			"TIMEOUT",
			"ABORTED",
			"CLOSED",
			"PROTOCOL",
			"TOOL",
			"SESSION_EXPIRED",
			"UNAUTHORIZED",
			"INPUT_ROUNDS_EXCEEDED",
		] as const) {
			expect(isTransient(new MCPClientError(code, "x"))).toBe(false);
		}
	});
});

describe("backoffDelayMs", () => {
	it("draws below a ceiling that grows by factor and stops at maxDelayMs", () => {
		const almostOne = () => 1 - Number.EPSILON;
		const ceilings = [0, 1, 2, 3, 4, 5, 6].map((retry) =>
			backoffDelayMs(retry, RETRY_DEFAULTS, almostOne),
		);
		expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 9999, 9999]);
		expect(backoffDelayMs(3, RETRY_DEFAULTS, () => 0)).toBe(0);
	});

	it("prefers the server's Retry-After", () => {
		const error = new MCPClientError("HTTP", "x", { status: 429, retryAfterMs: 30_000 });
		expect(retryDelayMs(error, 0, RETRY_DEFAULTS, () => 0.5)).toBe(30_000);
	});
});

describe("parseRetryAfterMs", () => {
	it("reads delay-seconds and HTTP dates, and ignores what it cannot read", () => {
		const now = Date.parse("2026-01-01T00:00:00Z");
		expect(parseRetryAfterMs("7", now)).toBe(7_000);
		expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
		expect(parseRetryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
		expect(parseRetryAfterMs("soon", now)).toBeUndefined();
		expect(parseRetryAfterMs(null, now)).toBeUndefined();
	});
});

describe("healthUrl", () => {
	it("puts /health next to the MCP endpoint", () => {
		expect(healthUrl(new URL("https://h.example/mcp")).href).toBe("https://h.example/health");
		expect(healthUrl(new URL("https://h.example/base/mcp/?x=1")).href).toBe(
			"https://h.example/base/health",
		);
	});
});
