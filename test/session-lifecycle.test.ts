import {
	evictDurableObject,
	listDurableObjectIds,
	runDurableObjectAlarm,
	runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { StorageKey } from "../src/session/session-store";
import { bringD1Online, requestRows, sessionRow, takeD1Offline } from "./helpers/d1";
import {
	backdateSession,
	callTool,
	expectErrorResponse,
	fetchWorker,
	initialize,
	initializeRequest,
	MCP_URL,
	post,
	readResult,
	rpc,
	sessionStub,
	syncMirror,
} from "./helpers/mcp";

describe("session creation", () => {
	it("mints a random id, creates the object and mirrors an active row with the client", async () => {
		const first = await initialize({ clientName: "claude-code" });
		const second = await initialize({ clientName: "cursor-vscode" });
		expect(first.sessionId).not.toBe(second.sessionId);
		const [init] = first.messages;
		expect(init?.result?.protocolVersion).toBe("2025-11-25");

		expect(await syncMirror(first.sessionId)).toBe(0);
		const row = await sessionRow(first.sessionId);
		expect(row).toMatchObject({
			status: "active",
			client_type: "Claude Code",
			client_name: "claude-code",
			client_version: "2.1.0",
			protocol_version: "2025-11-25",
			disconnected_at: null,
			disconnect_reason: null,
			user_id: null,
		});
		expect(JSON.parse(row?.client_capabilities ?? "{}")).toEqual({ roots: { listChanged: true } });
		expect(row?.last_activity).toBeGreaterThanOrEqual(
			row?.connected_at ?? Number.POSITIVE_INFINITY,
		);

		const ids = await listDurableObjectIds(env.MCP_SESSION);
		expect(ids.some((id) => id.equals(env.MCP_SESSION.idFromName(first.sessionId)))).toBe(true);
	});

	it("negotiates our newest revision when the client asks for one we do not speak", async () => {
		const response = await post(
			rpc("initialize", {
				protocolVersion: "2099-01-01",
				capabilities: {},
				clientInfo: { name: "future-client", version: "9" },
			}),
			{ version: null },
		);
		expect(response.status).toBe(200);
		const sessionId = response.headers.get("mcp-session-id") as string;
		expect(response.headers.get("content-type")).toBe("text/event-stream");
		const text = await response.text();
		expect(text).toContain('"protocolVersion":"2025-11-25"');
		await syncMirror(sessionId);
		expect((await sessionRow(sessionId))?.client_type).toBe("Other");
	});
});

describe("validation of every later request", () => {
	it("serves a request in its session and answers 404 -32001 for an unknown id", async () => {
		const { sessionId } = await initialize();
		const ok = await post(rpc("ping"), { session: sessionId });
		expect(ok.status).toBe(200);
		expect(ok.headers.get("mcp-session-id")).toBe(sessionId);
		expect(ok.headers.get("x-archon-session-id")).toBe(sessionId);

		const unknown = await post(rpc("ping"), { session: "A".repeat(32) });
		await expectErrorResponse(unknown, 404, -32001);
	});

	it("answers 400 -32000 when a non-initialize request carries no session id, saying to send initialize", async () => {
		const body = await expectErrorResponse(await post(rpc("tools/list")), 400, -32000);
		expect(body.error?.message).toMatch(/Mcp-Session-Id header is required.*Send initialize first/);
	});

	it("refuses a malformed id with 404 without waking any Durable Object", async () => {
		const before = await listDurableObjectIds(env.MCP_SESSION);
		for (const bad of ["short", "x".repeat(33), "../../etc/passwd-aaaaaaaaaaaaaaaaaa", "a b c"]) {
			await expectErrorResponse(await post(rpc("ping"), { session: bad }), 404, -32001);
			const deleted = await fetchWorker(MCP_URL, {
				method: "DELETE",
				headers: { "mcp-session-id": bad },
			});
			await expectErrorResponse(deleted, 404, -32001);
		}
		const after = await listDurableObjectIds(env.MCP_SESSION);
		expect(after.length).toBe(before.length);
	});

	it("leaves no storage behind in an object probed with an unknown well-formed id", async () => {
		const probe = "B".repeat(32);
		await expectErrorResponse(await post(rpc("ping"), { session: probe }), 404, -32001);
		const keys = await runInDurableObject(sessionStub(probe), (_instance, state) =>
			[...state.storage.kv.list()].map(([key]) => key),
		);
		expect(keys).toEqual([]);
	});
});

describe("idle expiry by alarm", () => {
	it("slides the deadline with each request without moving the alarm; the alarm re-arms at it", async () => {
		const { sessionId } = await initialize();
		const stub = sessionStub(sessionId);
		const alarmAt = () => runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
		const deadline = () =>
			runInDurableObject(
				stub,
				(_i, state) => state.storage.kv.get<{ expiresAt: number }>(StorageKey.Session)?.expiresAt,
			);
		const before = await alarmAt();
		expect(before).not.toBeNull();
		await post(rpc("ping"), { session: sessionId });
		// 3600 s is the default in wrangler.toml; the alarm stays at the unused-session deadline.
		const slid = (await deadline()) as number;
		expect(slid - Date.now()).toBeGreaterThan(3590_000);
		expect(slid - Date.now()).toBeLessThanOrEqual(3600_000);
		expect(await alarmAt()).toBe(before);

		// Fired at its old time, the alarm finds the session used since: not expired, re-armed at the deadline.
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await alarmAt()).toBe(slid);
		expect((await post(rpc("ping"), { session: sessionId })).status).toBe(200);
		expect(await syncMirror(sessionId)).toBe(0);
		expect((await sessionRow(sessionId))?.status).toBe("active");
	});

	it("moves the alarm earlier when a new handshake shortens the deadline", async () => {
		const { sessionId } = await initialize();
		await post(rpc("ping"), { session: sessionId });
		const stub = sessionStub(sessionId);
		await runDurableObjectAlarm(stub);
		const alarmAt = () => runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
		expect(((await alarmAt()) as number) - Date.now()).toBeGreaterThan(3590_000);
		await post(initializeRequest(), { archon: sessionId, version: null });
		// Unused again after the handshake: SESSION_UNUSED_TIMEOUT_SECONDS (300 s) applies.
		expect(((await alarmAt()) as number) - Date.now()).toBeLessThanOrEqual(300_000);
	});

	it("expires the session: storage erased, D1 row expired with reason and duration", async () => {
		const { sessionId } = await initialize();
		await callTool(sessionId, "health_check");
		const stub = sessionStub(sessionId);

		await backdateSession(sessionId);
		expect(await runDurableObjectAlarm(stub)).toBe(true);

		const row = await sessionRow(sessionId);
		expect(row).toMatchObject({ status: "expired", disconnect_reason: "timeout" });
		expect(row?.disconnected_at).toBeGreaterThanOrEqual(row?.connected_at ?? 0);
		expect(row?.total_duration).toBe(
			((row?.disconnected_at ?? 0) - (row?.connected_at ?? 0)) / 1000,
		);
		// Requests served before expiry reached D1 with the final row.
		expect((await requestRows(sessionId)).map((r) => r.method)).toEqual([
			"initialize",
			"tools/call",
		]);
		const keys = await runInDurableObject(stub, (_i, state) => [...state.storage.kv.list()].length);
		expect(keys).toBe(0);
		expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
		// What a later request finds (revival, or 404 with SESSION_REVIVAL_SECONDS=0): session-revival.test.ts.
	});

	it("is idempotent: a second alarm run changes nothing", async () => {
		const { sessionId } = await initialize();
		const stub = sessionStub(sessionId);
		await backdateSession(sessionId);
		await runDurableObjectAlarm(stub);
		const first = await sessionRow(sessionId);
		expect(first?.status).toBe("expired");
		await runInDurableObject(stub, (instance) => instance.alarm());
		expect(await sessionRow(sessionId)).toEqual(first);
	});

	it("keeps serving while D1 is down, retries the mirror by alarm and loses no row", async () => {
		const { sessionId } = await initialize();
		await callTool(sessionId, "session_info");
		const stub = sessionStub(sessionId);
		expect(await syncMirror(sessionId)).toBe(0);
		await takeD1Offline("archon_mcp_requests");
		try {
			expect((await post(rpc("tools/list"), { session: sessionId })).status).toBe(200);
			expect(await mirrorFailure(sessionId)).toMatch(/no such table/);
			const retryAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
			expect((retryAt as number) - Date.now()).toBeLessThanOrEqual(30_000);
			expect(await runDurableObjectAlarm(stub)).toBe(true);
			// Still failing: the session stays live and the retry is scheduled again.
			expect((await post(rpc("ping"), { session: sessionId })).status).toBe(200);
			// Settle the ping's mirror write now (it would run a few milliseconds later by itself).
			expect(await mirrorFailure(sessionId)).toMatch(/no such table/);
			const again = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
			expect((again as number) - Date.now()).toBeLessThanOrEqual(30_000);
		} finally {
			await bringD1Online("archon_mcp_requests");
		}
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect((await requestRows(sessionId)).map((r) => r.method)).toEqual([
			"initialize",
			"tools/call",
			"tools/list",
			"ping",
		]);
		expect(await sessionRow(sessionId)).toMatchObject({ status: "active" });
		// Back to the idle-expiry schedule.
		const expiry = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
		expect((expiry as number) - Date.now()).toBeGreaterThan(3500_000);
	});

	it("keeps an alarm by the deadline when a sync fails at an early alarm whose retry would come later", async () => {
		const { sessionId } = await initialize();
		await post(rpc("ping"), { session: sessionId });
		const stub = sessionStub(sessionId);
		expect(await syncMirror(sessionId)).toBe(0);
		// The deadline 2 s away, sooner than the first retry (10 s).
		const deadline = Date.now() + 2_000;
		await runInDurableObject(stub, (_i, state) => {
			const record = state.storage.kv.get<{ expiresAt: number }>(StorageKey.Session);
			state.storage.kv.put(StorageKey.Session, { ...record, expiresAt: deadline });
		});
		await takeD1Offline("archon_mcp_sessions");
		try {
			expect(await runDurableObjectAlarm(stub)).toBe(true);
			expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBe(
				deadline,
			);
		} finally {
			await bringD1Online("archon_mcp_sessions");
		}
	});

	it("mirrors the rows queued before an eviction after it, and empties the outbox", async () => {
		const { sessionId } = await initialize();
		const stub = sessionStub(sessionId);
		expect(await syncMirror(sessionId)).toBe(0);
		await takeD1Offline("archon_mcp_requests");
		try {
			for (const method of ["tools/list", "ping", "ping"]) {
				// Read to the end: an object is not evicted while a response stream is open.
				expect(
					(await readResult(await post(rpc(method), { session: sessionId }))).result,
				).toBeDefined();
			}
			// The outbox held in memory is gone with the instance; the next one finds it in storage.
			await evictDurableObject(stub);
		} finally {
			await bringD1Online("archon_mcp_requests");
		}
		expect(await syncMirror(sessionId)).toBe(0);
		expect((await requestRows(sessionId)).map((r) => r.method)).toEqual([
			"initialize",
			"tools/list",
			"ping",
			"ping",
		]);
		const queued = await runInDurableObject(
			stub,
			(_i, state) => [...state.storage.kv.list({ prefix: StorageKey.OutboxPrefix })].length,
		);
		expect(queued).toBe(0);
	});

	it("expires while D1 is down: not served (503, revival needs D1), and the final row lands on retry", async () => {
		const { sessionId } = await initialize();
		const stub = sessionStub(sessionId);
		expect(await syncMirror(sessionId)).toBe(0);
		await takeD1Offline("archon_mcp_sessions");
		try {
			await backdateSession(sessionId);
			expect(await runDurableObjectAlarm(stub)).toBe(true);
			const refused = await post(rpc("ping"), { session: sessionId });
			await expectErrorResponse(refused, 503, -32603);
			expect(refused.headers.get("retry-after")).toBe("5");
			// The ended record is kept for the retry, which is scheduled.
			const kept = await runInDurableObject(stub, (_i, state) =>
				state.storage.kv.get<{ status: string }>(StorageKey.Session),
			);
			expect(kept?.status).toBe("expired");
			expect(
				await runInDurableObject(stub, (_i, state) => state.storage.getAlarm()),
			).not.toBeNull();
		} finally {
			await bringD1Online("archon_mcp_sessions");
		}
		expect((await sessionRow(sessionId))?.status).toBe("active");
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await sessionRow(sessionId)).toMatchObject({
			status: "expired",
			disconnect_reason: "timeout",
		});
		const keys = await runInDurableObject(stub, (_i, state) => [...state.storage.kv.list()].length);
		expect(keys).toBe(0);
	});
});

/** The message of a failed mirror sync, or null if it succeeded. */
async function mirrorFailure(sessionId: string): Promise<string | null> {
	// Settle the RPC promise right away: matchers that probe it would pipeline extra calls.
	return syncMirror(sessionId).then(
		() => null,
		(error: unknown) => String(error),
	);
}

describe("DELETE", () => {
	it("ends the session with 204; later requests are 404; D1 row disconnected by the client", async () => {
		const { sessionId } = await initialize();
		const response = await fetchWorker(MCP_URL, {
			method: "DELETE",
			headers: { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" },
		});
		expect(response.status).toBe(204);
		expect(response.headers.get("mcp-session-id")).toBe(sessionId);
		await expectErrorResponse(await post(rpc("ping"), { session: sessionId }), 404, -32001);
		await syncMirror(sessionId);
		const row = await sessionRow(sessionId);
		expect(row).toMatchObject({ status: "disconnected", disconnect_reason: "client_terminated" });
		expect(row?.total_duration).not.toBeNull();

		const again = await fetchWorker(MCP_URL, {
			method: "DELETE",
			headers: { "mcp-session-id": sessionId },
		});
		await expectErrorResponse(again, 404, -32001);
	});

	it("answers 400 without a session id", async () => {
		await expectErrorResponse(await fetchWorker(MCP_URL, { method: "DELETE" }), 400, -32000);
	});
});

describe("recovery after restart", () => {
	it("serves the old session id after the object is evicted, without re-initializing", async () => {
		const { sessionId } = await initialize({ clientName: "windsurf-client" });
		await callTool(sessionId, "health_check");
		await evictDurableObject(sessionStub(sessionId));

		const { result } = await callTool(sessionId, "session_info");
		const info = result.structuredContent as Record<string, unknown>;
		expect(info).toMatchObject({ sessionId, clientType: "Windsurf", handshakeCount: 1 });
		// initialize, health_check, and this call.
		expect(info.requestCount).toBe(3);
	});
});
