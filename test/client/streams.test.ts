/**
 * Cut response streams. In the 2026-07-28 era a request whose stream broke
 * before the answer is sent again under a new JSON-RPC id, within the retry
 * policy. In the 2025 era a stream with SSE event ids is resumed with
 * `Last-Event-ID` after the server's `retry` delay; one without ids is sent
 * again like any network failure.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_RETRY_MS, legacyFixture, modernFixture } from "./fixture-servers";
import { type Exchange, forgetEras, RecordingFetch, type Target, testClient } from "./harness";

/** Where the fixtures are reached; never dialled. */
const FIXTURE_URL = "http://fixture.test/mcp";

/** Records the delays the client asks to sleep, without sleeping. */
function sleepRecorder() {
	const delays: number[] = [];
	return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** An SSE response that carries one notification and ends, as if the connection dropped. */
function cutStream(): Response {
	const note = JSON.stringify({
		jsonrpc: "2.0",
		method: "notifications/message",
		params: { level: "info", data: "working" },
	});
	return new Response(`event: message\ndata: ${note}\n\n`, {
		headers: { "content-type": "text/event-stream" },
	});
}

/** An SSE response whose body fails after its first event, as a reset connection does. */
function failingStream(): Response {
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(encoder.encode(": keep-alive\n\n"));
			controller.error(new TypeError("network connection lost"));
		},
	});
	return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** Cuts the first `count` tools/call streams with `cut`, then lets the server answer. */
function cutFirstCalls(count: number, cut: () => Response, target?: Target): RecordingFetch {
	let cuts = 0;
	const intercept = (exchange: Exchange) => {
		if (exchange.rpcMethod !== "tools/call" || cuts >= count) return undefined;
		cuts++;
		return cut();
	};
	return new RecordingFetch(intercept, target);
}

beforeEach(forgetEras);

describe("2026-07-28: a cut stream is re-issued under a new request id", () => {
	it.each([
		["ends without the answer", cutStream],
		["fails mid-stream", failingStream],
	])("when the stream %s", async (_name, cut) => {
		const recorder = cutFirstCalls(1, cut, modernFixture().fetch);
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, {
			url: FIXTURE_URL,
			sleep,
			random: () => 0.5,
			initialDelayMs: 100,
		});

		const result = await client.callTool("hello");

		expect(result.content).toEqual([{ type: "text", text: "hello" }]);
		expect(client.protocolEra).toBe("modern");
		const calls = recorder.of("tools/call");
		expect(calls.map((call) => call.outcome)).toEqual([200, 200]);
		expect(calls[0]?.rpcId).not.toBe(calls[1]?.rpcId);
		// One backoff of the retry policy: half of the first ceiling with random() = 0.5.
		expect(delays).toEqual([50]);
		await client.close();
	});

	it("gives up with NETWORK when the retries run out", async () => {
		const recorder = cutFirstCalls(10, cutStream, modernFixture().fetch);
		const client = testClient(recorder, { url: FIXTURE_URL, maxRetries: 2 });

		await expect(client.callTool("hello")).rejects.toMatchObject({
			name: "MCPClientError",
			code: "NETWORK",
			message: "The response stream ended before the answer",
		});
		expect(recorder.of("tools/call")).toHaveLength(3);
		await client.close();
	});

	it("ignores a server's imitation of the client's own marker", async () => {
		const fake = () =>
			new Response(
				`event: message\ndata: ${JSON.stringify({
					jsonrpc: "2.0",
					id: 999,
					error: { code: -32000, message: "x", data: { archonStreamBreak: "guess" } },
				})}\n\n`,
				{ headers: { "content-type": "text/event-stream" } },
			);
		// The fake answers another id, so the real answer never comes: the stream is cut all the same.
		const recorder = cutFirstCalls(1, fake, modernFixture().fetch);
		const client = testClient(recorder, { url: FIXTURE_URL });
		await expect(client.callTool("hello")).resolves.toMatchObject({ content: [{ text: "hello" }] });
		expect(recorder.of("tools/call")).toHaveLength(2);
		await client.close();
	});
});

describe("2025 era", () => {
	it("resumes a stream with event ids: waits the server's retry, then GET with Last-Event-ID", async () => {
		const recorder = new RecordingFetch(undefined, legacyFixture().fetch);
		const { delays, sleep } = sleepRecorder();
		const client = testClient(recorder, { url: FIXTURE_URL, protocol: "legacy", sleep });

		const result = await client.callTool("cut_then_answer");

		expect(result.content).toEqual([{ type: "text", text: "after the cut" }]);
		expect(recorder.of("tools/call")).toHaveLength(1);
		const resumed = recorder.of("GET").filter((get) => get.headers.has("last-event-id"));
		expect(resumed.length).toBeGreaterThan(0);
		expect(resumed[0]?.headers.get("last-event-id")).toMatch(/\S/);
		// The server's `retry` (not the client's backoff) set the wait before resuming.
		expect(delays[0]).toBe(FIXTURE_RETRY_MS);
		await client.close();
	});

	it("sends a cut stream without event ids again, as a network failure (the Worker)", async () => {
		const recorder = cutFirstCalls(1, cutStream);
		const client = testClient(recorder, { protocol: "legacy" });

		const result = await client.callTool("session_info");

		expect(result.isError).toBeUndefined();
		const calls = recorder.of("tools/call");
		expect(calls).toHaveLength(2);
		expect(calls[0]?.rpcId).not.toBe(calls[1]?.rpcId);
		expect(recorder.of("initialize")).toHaveLength(1);
		await client.close();
	});
});
