/**
 * Cut response streams against the real Worker. On the modern lane a
 * request whose stream broke before the answer is sent again under a new
 * JSON-RPC id, within the retry policy. In a 2025 session the server's
 * priming event (an id and `retry`) lets the client resume a stream the
 * server cut, with `Last-Event-ID` after the server's delay; a cut stream
 * without ids is sent again like any network failure.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { SSE_RETRY_MS } from "../../src/session/session-connection";
import { type Exchange, forgetEras, RecordingFetch, testClient } from "../client/harness";

/** Records the delays the client asks to sleep, without sleeping. */
function sleepRecorder() {
	const delays: number[] = [];
	return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** An SSE response that carries one notification and ends, as if the connection dropped. */
function endedStream(): Response {
	const note = JSON.stringify({
		jsonrpc: "2.0",
		method: "notifications/message",
		params: { level: "info", data: "working" },
	});
	return new Response(`event: message\ndata: ${note}\n\n`, {
		headers: { "content-type": "text/event-stream" },
	});
}

/** A response whose body sends `first` and then fails, as a reset connection does. */
function failingBody(contentType: string, first: string): Response {
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(new TextEncoder().encode(first));
			controller.error(new TypeError("network connection lost"));
		},
	});
	return new Response(body, { headers: { "content-type": contentType } });
}

/** An SSE stream that fails after a comment. */
const failingStream = () => failingBody("text/event-stream", ": keep-alive\n\n");

/** A JSON answer whose body fails half-way. */
const failingJson = () => failingBody("application/json", '{"jsonrpc":"2.0",');

/** A JSON answer whose body stops half-way, as a dropped connection leaves it. */
function truncatedJson(): Response {
	return new Response('{"jsonrpc":"2.0","id":1,"result":{"content":[', {
		headers: { "content-type": "application/json" },
	});
}

/** A stream that "answers" another request id with an imitation of the client's own marker. */
function imitationStream(): Response {
	const fake = JSON.stringify({
		jsonrpc: "2.0",
		id: 999_999,
		error: { code: -32000, message: "x", data: { archonStreamBreak: "a guess" } },
	});
	return new Response(`event: message\ndata: ${fake}\n\n`, {
		headers: { "content-type": "text/event-stream" },
	});
}

/** Answers the first `count` tools/call with `cut()` instead of the Worker. */
function cutFirstCalls(count: number, cut: () => Response): RecordingFetch {
	let cuts = 0;
	return new RecordingFetch((exchange: Exchange) => {
		if (exchange.rpcMethod !== "tools/call" || cuts >= count) return undefined;
		cuts++;
		return cut();
	});
}

beforeEach(forgetEras);

describe("2026-07-28: a cut stream is re-issued under a new request id", () => {
	it.each([
		["ends without the answer", endedStream],
		["fails mid-stream", failingStream],
		["carries a server's imitation of the client's marker", imitationStream],
		["is a JSON body cut half-way", truncatedJson],
		["is a JSON body that fails half-way", failingJson],
	])("when the stream %s", async (_name, cut) => {
		const recorder = cutFirstCalls(1, cut);
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, {
			protocol: "2026-07-28",
			sleep,
			random: () => 0.5,
			initialDelayMs: 100,
		});

		const result = await client.callTool("test_simple_text");

		expect(result.content).toEqual([
			{ type: "text", text: "This is a simple text response for testing." },
		]);
		const calls = recorder.of("tools/call");
		expect(calls.map((call) => call.outcome)).toEqual([200, 200]);
		expect(calls[0]?.rpcId).not.toBe(calls[1]?.rpcId);
		// One backoff of the retry policy: half of the first ceiling with random() = 0.5.
		expect(delays).toEqual([50]);
		await client.close();
	});

	it("gives up with NETWORK when the retries run out", async () => {
		const recorder = cutFirstCalls(10, endedStream);
		const client = testClient(recorder, { protocol: "2026-07-28", maxRetries: 2 });

		await expect(client.callTool("test_simple_text")).rejects.toMatchObject({
			name: "MCPClientError",
			code: "NETWORK",
			message: "The response stream ended before the answer",
		});
		expect(recorder.of("tools/call")).toHaveLength(3);
		await client.close();
	});
});

describe("2025 era", () => {
	it("resumes a stream the server cut: waits the server's retry, then GET with Last-Event-ID", async () => {
		const recorder = new RecordingFetch();
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { protocol: "legacy", sleep });

		const result = await client.callTool("test_reconnection");

		expect(result.isError).toBeUndefined();
		expect(recorder.of("tools/call")).toHaveLength(1);
		const resumed = recorder.of("GET").filter((get) => get.headers.has("last-event-id"));
		expect(resumed.map((get) => get.outcome)).toContain(200);
		// The server's `retry` (not the client's backoff) set the wait before resuming.
		expect(delays[0]).toBe(SSE_RETRY_MS);
		await client.close();
	});

	it("sends a cut stream without event ids again, as a network failure", async () => {
		const recorder = cutFirstCalls(1, endedStream);
		const client = testClient(recorder, { protocol: "legacy" });

		const result = await client.callTool("test_simple_text");

		expect(result.isError).toBeUndefined();
		const calls = recorder.of("tools/call");
		expect(calls).toHaveLength(2);
		expect(calls[0]?.rpcId).not.toBe(calls[1]?.rpcId);
		expect(recorder.of("initialize")).toHaveLength(1);
		await client.close();
	});
});
