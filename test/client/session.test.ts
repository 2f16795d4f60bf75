/**
 * MCPClient against the real Worker: lazy handshake, one session for
 * concurrent callers, transparent renewal after expiry or deletion, resuming
 * a live session after a client restart, and DELETE at the end of `await using`.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MCPClient } from "../../src/client/index";
import { backdateSession, SERVER_TOOLS } from "../helpers/mcp";
import {
	MCP_URL,
	mirroredRow,
	RecordingFetch,
	rowsOfClient,
	sessionStub,
	structured,
	testClient,
	uniqueClientName,
	workerFetch,
} from "./harness";

describe("handshake", () => {
	it("initializes on the first call, then reuses the session", async () => {
		const recorder = new RecordingFetch();
		const changes: [string | undefined, string | undefined][] = [];
		const client = testClient(recorder, {
			protocol: "legacy",
			onSessionChange: (id, old) => changes.push([id, old]),
		});
		expect(client.sessionId).toBeUndefined();
		expect(recorder.exchanges).toHaveLength(0);

		const first = await client.callTool("session_info");
		const sessionId = client.sessionId;
		expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(structured(first).sessionId).toBe(sessionId);
		expect(recorder.exchanges.map((e) => [e.rpcMethod ?? e.method, e.outcome])).toEqual([
			["initialize", 200],
			["notifications/initialized", 202],
			// The SDK probes for a standalone SSE stream; the server declines with 405.
			["GET", 405],
			["tools/call", 200],
		]);
		expect(changes).toEqual([[sessionId, undefined]]);

		await client.ping();
		expect(recorder.of("initialize")).toHaveLength(1);
		expect(recorder.of("ping")[0]?.headers.get("mcp-session-id")).toBe(sessionId);
		await client.close();
	});

	it("shares one handshake between concurrent first calls: one session, one D1 row", async () => {
		const recorder = new RecordingFetch();
		const clientName = uniqueClientName();
		const client = testClient(recorder, { clientName });

		const results = await Promise.all(
			Array.from({ length: 5 }, () => client.callTool("session_info")),
		);

		const ids = new Set(results.map((result) => structured(result).sessionId));
		expect(ids).toEqual(new Set([client.sessionId]));
		expect(recorder.of("initialize")).toHaveLength(1);
		await mirroredRow(client.sessionId as string);
		const rows = await rowsOfClient(clientName);
		expect(rows.map((row) => [row.session_id, row.status])).toEqual([[client.sessionId, "active"]]);
		await client.close();
	});

	it("connect() is idempotent and needs no call", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder);
		await Promise.all([client.connect(), client.connect()]);
		await client.connect();
		expect(recorder.of("initialize")).toHaveLength(1);
		expect(client.sessionId).toBeDefined();
		await client.close();
	});
});

describe("session renewal", () => {
	it("keeps its session through an idle expiry: the server revives it, no new handshake", async () => {
		const recorder = new RecordingFetch();
		const changes: [string | undefined, string | undefined][] = [];
		const client = testClient(recorder, { onSessionChange: (id, old) => changes.push([id, old]) });
		await client.callTool("session_info");
		const sessionId = client.sessionId as string;
		await backdateSession(sessionId);
		expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);
		expect(await mirroredRow(sessionId)).toMatchObject({ status: "expired" });
		recorder.exchanges.length = 0;

		const result = await client.callTool("session_info");

		expect(client.sessionId).toBe(sessionId);
		expect(structured(result).sessionId).toBe(sessionId);
		expect(recorder.exchanges.map((e) => [e.rpcMethod ?? e.method, e.outcome])).toEqual([
			["tools/call", 200],
		]);
		expect(changes).toEqual([[sessionId, undefined]]);
		expect(await mirroredRow(sessionId)).toMatchObject({ status: "active", revival_count: 1 });
		await client.close();
	});

	it("re-initializes transparently when the session was deleted on the server", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder);
		await client.ping();
		const oldId = client.sessionId as string;
		const deleted = await workerFetch(MCP_URL, {
			method: "DELETE",
			headers: { "mcp-session-id": oldId },
		});
		expect(deleted.status).toBe(204);
		recorder.exchanges.length = 0;

		const result = await client.callTool("session_info");

		const newId = client.sessionId as string;
		expect(newId).not.toBe(oldId);
		expect(structured(result).sessionId).toBe(newId);
		expect(recorder.of("tools/call").map((e) => e.outcome)).toEqual([404, 200]);
		expect(recorder.of("initialize")).toHaveLength(1);
		expect(await mirroredRow(oldId)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "client_terminated",
		});
		await client.close();
	});

	it("renews once per call: a second session error is thrown as SESSION_EXPIRED", async () => {
		// Every tools/call is answered 404 as if each new session vanished at once.
		const recorder = new RecordingFetch((exchange) =>
			exchange.rpcMethod === "tools/call"
				? new Response(
						JSON.stringify({
							jsonrpc: "2.0",
							error: { code: -32001, message: "Session not found" },
							id: null,
						}),
						{ status: 404, headers: { "content-type": "application/json" } },
					)
				: undefined,
		);
		const client = testClient(recorder);

		const failure = client.callTool("session_info");

		await expect(failure).rejects.toMatchObject({
			name: "MCPClientError",
			code: "SESSION_EXPIRED",
			status: 404,
			rpcCode: -32001,
		});
		expect(recorder.of("tools/call")).toHaveLength(2);
		expect(recorder.of("initialize")).toHaveLength(2);
		await client.close();
	});

	it("resumes a still-live session whose id survived a client restart", async () => {
		const before = testClient(new RecordingFetch());
		await before.callTool("session_info");
		const sessionId = before.sessionId as string;
		// The process restarts: `before` is gone without closing, only its id was saved.

		const recorder = new RecordingFetch();
		const changes: unknown[] = [];
		const after = testClient(recorder, {
			sessionId,
			onSessionChange: (id, old) => changes.push([id, old]),
		});
		expect(after.sessionId).toBe(sessionId);
		const result = await after.callTool("session_info");

		expect(after.sessionId).toBe(sessionId);
		expect(structured(result)).toMatchObject({ sessionId, handshakeCount: 2 });
		expect(recorder.of("initialize")[0]?.headers.get("x-archon-session-id")).toBe(sessionId);
		expect(changes).toEqual([]);
		await after.close();
	});
});

describe("closing", () => {
	it("sends DELETE when an `await using` scope ends; the server records client_terminated", async () => {
		const recorder = new RecordingFetch();
		let sessionId: string | undefined;
		{
			await using client = testClient(recorder);
			await client.ping();
			sessionId = client.sessionId;
			expect(recorder.of("DELETE")).toHaveLength(0);
		}
		expect(recorder.of("DELETE").map((e) => [e.headers.get("mcp-session-id"), e.outcome])).toEqual([
			[sessionId, 204],
		]);
		expect(await mirroredRow(sessionId as string)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "client_terminated",
		});
	});

	it("refuses calls after close() and sends nothing", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder);
		await client.ping();
		await client.close();
		await client.close();
		const sent = recorder.exchanges.length;

		await expect(client.ping()).rejects.toMatchObject({ code: "CLOSED" });
		expect(client.sessionId).toBeUndefined();
		expect(recorder.exchanges).toHaveLength(sent);
		expect(recorder.of("DELETE")).toHaveLength(1);
	});

	it("closes without a request when no session was opened", async () => {
		const recorder = new RecordingFetch();
		const client = new MCPClient({ url: MCP_URL, fetch: recorder.fetch });
		await client.close();
		expect(recorder.exchanges).toHaveLength(0);
	});
});

describe("tool results", () => {
	it("throws the server's -32602 for an unknown tool (a protocol error since 2025-11-25)", async () => {
		const client = testClient(new RecordingFetch());
		await expect(client.callTool("no_such_tool")).rejects.toMatchObject({ rpcCode: -32602 });
		await client.close();
	});

	it("lists the server's tools", async () => {
		const client = testClient(new RecordingFetch());
		const tools = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual([...SERVER_TOOLS]);
		await client.close();
	});
});
