/**
 * MCPClient under injected faults: transient failures retried with backoff
 * (attempts and requested delays counted), client errors not retried,
 * `Retry-After` honoured, and timeouts and aborts that stop the HTTP request.
 */
import { describe, expect, it } from "vitest";
import type { Exchange } from "./harness";
import { errorResponse, RecordingFetch, testClient } from "./harness";

/** Fails the first `count` exchanges that `match` accepts with `fault`, then lets them through. */
function failFirst(
	count: number,
	match: (exchange: Exchange) => boolean,
	fault: () => Response | Error,
): RecordingFetch {
	let failed = 0;
	return new RecordingFetch((exchange) => {
		if (!match(exchange) || failed >= count) return undefined;
		failed++;
		return fault();
	});
}

const isToolCall = (exchange: Exchange) => exchange.rpcMethod === "tools/call";

/** Records the delays the client asks to sleep, without sleeping. */
function sleepRecorder() {
	const delays: number[] = [];
	return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** A fetch answer that never comes: it settles only when the request is aborted. */
function hangUntilAborted(exchange: Exchange, onAbort: () => void): Promise<Response> {
	return new Promise((_resolve, reject) => {
		exchange.signal?.addEventListener("abort", () => {
			onAbort();
			reject(exchange.signal?.reason);
		});
	});
}

describe("transient failures", () => {
	it.each([
		["503", () => errorResponse(503, "Service Unavailable")],
		["502", () => errorResponse(502, "Bad Gateway")],
		["504", () => errorResponse(504, "Gateway Timeout")],
		["a network error", () => new TypeError("Network connection lost")],
	])("retries %s with capped exponential backoff and full jitter", async (_name, fault) => {
		const recorder = failFirst(3, isToolCall, fault);
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, {
			sleep,
			random: () => 0.5,
			initialDelayMs: 100,
			factor: 3,
			maxDelayMs: 500,
			maxRetries: 3,
		});

		const result = await client.callTool("session_info");

		expect(result.isError).toBeUndefined();
		expect(recorder.of("tools/call")).toHaveLength(4);
		// Ceilings 100, 300, then 900 capped at 500; half of each with random() = 0.5.
		expect(delays).toEqual([50, 150, 250]);
		await client.close();
	});

	it("gives up after maxRetries and throws the last failure", async () => {
		const recorder = failFirst(10, isToolCall, () => errorResponse(503, "Service Unavailable"));
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { sleep, maxRetries: 2 });

		await expect(client.callTool("session_info")).rejects.toMatchObject({
			name: "MCPClientError",
			code: "HTTP",
			status: 503,
		});
		expect(recorder.of("tools/call")).toHaveLength(3);
		expect(delays).toHaveLength(2);
		await client.close();
	});

	it("throws NETWORK when the network never comes back", async () => {
		const recorder = failFirst(10, isToolCall, () => new TypeError("fetch failed"));
		const client = testClient(recorder, { maxRetries: 1 });
		await expect(client.callTool("session_info")).rejects.toMatchObject({ code: "NETWORK" });
		expect(recorder.of("tools/call")).toHaveLength(2);
		await client.close();
	});

	it("retries a handshake that failed on the network, then opens one session", async () => {
		const recorder = failFirst(
			2,
			(exchange) => exchange.rpcMethod === "initialize",
			() => new TypeError("fetch failed"),
		);
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { sleep });

		await client.ping();

		expect(recorder.of("initialize").map((e) => e.outcome)).toEqual(["error", "error", 200]);
		expect(delays).toHaveLength(2);
		expect(recorder.of("ping").map((e) => e.outcome)).toEqual([200]);
		await client.close();
	});

	it("honours Retry-After on 429 instead of its own backoff", async () => {
		const recorder = failFirst(1, isToolCall, () =>
			errorResponse(429, "Too Many Requests", { "Retry-After": "7" }),
		);
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { sleep, maxDelayMs: 1_000 });

		await client.callTool("session_info");

		expect(delays).toEqual([7_000]);
		expect(recorder.of("tools/call").map((e) => e.outcome)).toEqual([429, 200]);
		await client.close();
	});
});

describe("client errors", () => {
	it("does not retry 401: UNAUTHORIZED, with the status", async () => {
		const recorder = failFirst(1, isToolCall, () => errorResponse(401, "Unauthorized"));
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { sleep });

		await expect(client.callTool("session_info")).rejects.toMatchObject({
			code: "UNAUTHORIZED",
			status: 401,
		});
		expect(recorder.of("tools/call")).toHaveLength(1);
		expect(delays).toEqual([]);
		await client.close();
	});

	it.each([400, 403])("does not retry %i", async (status) => {
		const recorder = failFirst(1, isToolCall, () => errorResponse(status, "Refused"));
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { sleep });

		await expect(client.callTool("session_info")).rejects.toMatchObject({
			code: "HTTP",
			status,
			rpcCode: -32000,
		});
		expect(recorder.of("tools/call")).toHaveLength(1);
		expect(recorder.of("initialize")).toHaveLength(1);
		expect(delays).toEqual([]);
		await client.close();
	});

	it("treats 400 'session id required' as a lost session and renews it", async () => {
		const recorder = failFirst(1, isToolCall, () =>
			errorResponse(400, "Bad Request: Mcp-Session-Id header is required"),
		);
		const client = testClient(recorder);
		await client.connect();
		const first = client.sessionId;

		await client.callTool("session_info");

		expect(recorder.of("tools/call").map((e) => e.outcome)).toEqual([400, 200]);
		expect(recorder.of("initialize")).toHaveLength(2);
		expect(recorder.of("initialize")[1]?.headers.get("x-archon-session-id")).toBe(first);
		// The session was still alive on the server, so it was resumed under the same id.
		expect(client.sessionId).toBe(first);
		await client.close();
	});
});

describe("timeouts and aborts", () => {
	it("times out a request that never answers, and aborts its HTTP request", async () => {
		let aborted!: () => void;
		const requestAborted = new Promise<void>((resolve) => {
			aborted = resolve;
		});
		const recorder = new RecordingFetch((exchange) =>
			isToolCall(exchange) ? hangUntilAborted(exchange, aborted) : undefined,
		);
		const client = testClient(recorder, { timeoutMs: 200 });
		await client.connect();

		await expect(client.callTool("session_info")).rejects.toMatchObject({ code: "TIMEOUT" });

		await requestAborted;
		expect(recorder.of("tools/call")).toHaveLength(1);
		// The SDK told the server it gave up on that request.
		expect(recorder.of("notifications/cancelled")).toHaveLength(1);
		await client.close();
	});

	it("stops on the caller's AbortSignal: no retry, HTTP request aborted", async () => {
		let aborted!: () => void;
		const requestAborted = new Promise<void>((resolve) => {
			aborted = resolve;
		});
		let started!: () => void;
		const requestStarted = new Promise<void>((resolve) => {
			started = resolve;
		});
		const recorder = new RecordingFetch((exchange) => {
			if (!isToolCall(exchange)) return undefined;
			started();
			return hangUntilAborted(exchange, aborted);
		});
		const client = testClient(recorder);
		const controller = new AbortController();

		const call = client.callTool("session_info", {}, { signal: controller.signal });
		await requestStarted;
		controller.abort();

		await expect(call).rejects.toMatchObject({ code: "ABORTED" });
		await requestAborted;
		expect(recorder.of("tools/call")).toHaveLength(1);
		await client.close();
	});

	it("stops waiting between retries when aborted", async () => {
		let failedOnce!: () => void;
		const firstFailure = new Promise<void>((resolve) => {
			failedOnce = resolve;
		});
		const recorder = failFirst(10, isToolCall, () => {
			failedOnce();
			return errorResponse(503, "Service Unavailable");
		});
		// The real sleep, with a one-minute backoff: only the abort can end it.
		const client = testClient(recorder, {
			sleep: undefined,
			initialDelayMs: 60_000,
			maxDelayMs: 60_000,
			random: () => 1 - Number.EPSILON,
		});
		await client.connect();
		const controller = new AbortController();

		const call = client.callTool("session_info", {}, { signal: controller.signal });
		await firstFailure;
		controller.abort();

		await expect(call).rejects.toMatchObject({ code: "ABORTED" });
		expect(recorder.of("tools/call")).toHaveLength(1);
		await client.close();
	});

	it("sends no cancellation for a call that already finished when its signal aborts later", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder);
		const controller = new AbortController();
		await client.callTool("session_info", {}, { signal: controller.signal });

		controller.abort();
		// A later request drains anything the abort might have queued before it.
		await client.ping();

		expect(recorder.of("notifications/cancelled")).toHaveLength(0);
		await client.close();
	});
});
