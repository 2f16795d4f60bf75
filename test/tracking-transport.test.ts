/**
 * The request-tracking transport decorator (src/mcp/tracking-transport.ts)
 * around a fake transport: every client request is reported exactly once,
 * whether it is answered, cancelled by the client, or cut off by a close.
 */
import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { type TrackedRequest, TrackingTransport } from "../src/mcp/tracking-transport";

/** A transport that records what is sent and lets the test deliver messages. */
class FakeTransport implements Transport {
	readonly sent: JSONRPCMessage[] = [];
	sessionId = "session-1";
	onclose?: () => void;
	onmessage?: (message: JSONRPCMessage) => void;
	async start(): Promise<void> {}
	async close(): Promise<void> {
		this.onclose?.();
	}
	async send(message: JSONRPCMessage): Promise<void> {
		this.sent.push(message);
	}
	deliver(message: JSONRPCMessage): void {
		this.onmessage?.(message);
	}
}

function setup() {
	const inner = new FakeTransport();
	const done: TrackedRequest[] = [];
	let now = 1000;
	const tracking = new TrackingTransport(
		inner,
		(request) => done.push(request),
		() => now,
	);
	const advance = (ms: number) => {
		now += ms;
	};
	return { inner, tracking, done, advance };
}

const call = (id: number): JSONRPCMessage => ({
	jsonrpc: "2.0",
	id,
	method: "tools/call",
	params: { name: "health_check", arguments: {} },
});

describe("TrackingTransport", () => {
	it("reports an answered request once, with its duration and outcome", async () => {
		const { inner, tracking, done, advance } = setup();
		inner.deliver(call(1));
		advance(25);
		await tracking.send({ jsonrpc: "2.0", id: 1, result: { content: [] } });
		await tracking.send({ jsonrpc: "2.0", id: 1, result: { content: [] } });
		expect(done).toEqual([
			{
				method: "tools/call",
				toolName: "health_check",
				startedAt: 1000,
				durationMs: 25,
				status: "success",
				errorMessage: null,
				jsonrpcId: 1,
				traceparent: null,
			},
		]);
		expect(inner.sent).toHaveLength(2);
	});

	it("reports a request the client cancels as an error, and nothing when a late answer leaves", async () => {
		const { inner, tracking, done } = setup();
		inner.deliver(call(2));
		inner.deliver({
			jsonrpc: "2.0",
			method: "notifications/cancelled",
			params: { requestId: 2 },
		});
		await tracking.send({ jsonrpc: "2.0", id: 2, result: {} });
		expect(done.map((request) => [request.status, request.errorMessage])).toEqual([
			["error", "Cancelled by the client"],
		]);
	});

	it("reports requests still open when the transport closes", async () => {
		const { inner, tracking, done } = setup();
		inner.deliver(call(3));
		inner.deliver({ jsonrpc: "2.0", id: 4, method: "ping" });
		await tracking.close();
		expect(done.map((request) => [request.method, request.errorMessage])).toEqual([
			["tools/call", "Connection closed before the response"],
			["ping", "Connection closed before the response"],
		]);
	});

	it("does not track what the server replays to itself, and exposes the inner session id", async () => {
		const { inner, tracking, done } = setup();
		await tracking.untracked(async () => {
			inner.deliver({ jsonrpc: "2.0", id: "restore", method: "initialize", params: {} });
			await tracking.send({ jsonrpc: "2.0", id: "restore", result: {} });
		});
		inner.deliver(call(5));
		await tracking.send({ jsonrpc: "2.0", id: 5, error: { code: -32602, message: "Bad" } });
		expect(done.map((request) => [request.method, request.status])).toEqual([
			["tools/call", "error"],
		]);
		expect(tracking.sessionId).toBe("session-1");
	});
});
