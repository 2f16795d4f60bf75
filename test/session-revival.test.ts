/**
 * Revival of idle-expired sessions (issue 11): a later request of the same
 * user is served in the same session, its handshake restored from the D1 row;
 * sessions that ended any other way, another user's, unknown ids and sessions
 * past the window stay 404. Revival off (`SESSION_REVIVAL_SECONDS=0`):
 * test/strict-config/revival-off.test.ts.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requestRows, sessionRow } from "./helpers/d1";
import {
	bearer,
	createToken,
	createUser,
	initializeAs,
	PUBLIC_ORIGIN,
	pingAs,
} from "./helpers/identity";
import {
	backdateSession,
	callTool,
	deleteSession,
	expectErrorResponse,
	fetchWorker,
	initialize,
	post,
	readMessages,
	rpc,
	sessionStub,
	structured,
	syncMirror,
} from "./helpers/mcp";

/** 8 days, past the default revival window of 7. */
const PAST_THE_WINDOW_MS = 8 * 24 * 3600 * 1000;

afterEach(() => {
	vi.restoreAllMocks();
});

/** Expires a session by its alarm, as an idle timeout does; the D1 row is then final. */
async function expire(sessionId: string): Promise<void> {
	await backdateSession(sessionId);
	expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);
	expect(await sessionRow(sessionId)).toMatchObject({
		status: "expired",
		disconnect_reason: "timeout",
	});
}

describe("revival of an idle-expired session", () => {
	it("serves the next request in the same session, handshake and log level restored", async () => {
		const { sessionId } = await initialize({ clientName: "codex-mcp-client" });
		expect(
			(await post(rpc("logging/setLevel", { level: "error" }), { session: sessionId })).status,
		).toBe(200);
		await expire(sessionId);
		const info = vi.spyOn(console, "log");

		const { response, result } = await callTool(sessionId, "session_info");

		expect(response.headers.get("mcp-session-id")).toBe(sessionId);
		expect(structured(result)).toMatchObject({
			sessionId,
			clientType: "Codex",
			clientName: "codex-mcp-client",
			clientVersion: "2.1.0",
			protocolVersion: "2025-11-25",
			handshakeCount: 1,
			// initialize, logging/setLevel, and this call.
			requestCount: 3,
		});
		expect(
			info.mock.calls.some(([line]) => String(line).includes('"event":"session.revived"')),
		).toBe(true);
		// A new idle alarm, a full timeout out.
		const alarm = await runInDurableObject(sessionStub(sessionId), (_i, state) =>
			state.storage.getAlarm(),
		);
		expect((alarm as number) - Date.now()).toBeGreaterThan(3590_000);
		// The restored log level still filters: an info message is not sent at level "error".
		const logged = await post(rpc("tools/call", { name: "health_check", arguments: {} }), {
			session: sessionId,
		});
		expect((await readMessages(logged)).some((m) => m.method === "notifications/message")).toBe(
			false,
		);

		await syncMirror(sessionId);
		const row = await sessionRow(sessionId);
		expect(row).toMatchObject({
			status: "active",
			disconnected_at: null,
			disconnect_reason: null,
			total_duration: null,
			client_type: "Codex",
			protocol_version: "2025-11-25",
			log_level: "error",
			revival_count: 1,
		});
		expect(JSON.parse(row?.client_capabilities ?? "{}")).toEqual({ roots: { listChanged: true } });
		expect(row?.revived_at).toBeGreaterThan(row?.connected_at ?? Number.POSITIVE_INFINITY);
		// The history goes on in the same session.
		expect((await requestRows(sessionId)).map((r) => r.method)).toEqual([
			"initialize",
			"logging/setLevel",
			"tools/call",
			"tools/call",
		]);
	});

	it("revives it again after a second expiry, and counts both", async () => {
		const { sessionId } = await initialize();
		for (const expected of [1, 2]) {
			await expire(sessionId);
			expect((await post(rpc("ping"), { session: sessionId })).status).toBe(200);
			await syncMirror(sessionId);
			expect((await sessionRow(sessionId))?.revival_count).toBe(expected);
		}
	});

	it("revives once for concurrent requests", async () => {
		const { sessionId } = await initialize();
		await expire(sessionId);
		const responses = await Promise.all(
			Array.from({ length: 5 }, () => post(rpc("ping"), { session: sessionId })),
		);
		expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		await syncMirror(sessionId);
		expect((await sessionRow(sessionId))?.revival_count).toBe(1);
	});

	it("revives a user's session for that user, with another of their tokens too", async () => {
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		expect((await pingAs(user.token, sessionId)).status).toBe(200);
		await expire(sessionId);
		expect((await pingAs(user.token, sessionId)).status).toBe(200);
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({ status: "active", user_id: user.id });
		const live = await runInDurableObject(
			env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName(user.id)),
			(instance) => instance.list(user.id),
		);
		expect(live.map((entry) => [entry.sessionId, entry.usedAt !== null])).toEqual([
			[sessionId, true],
		]);
	});
});

describe("sessions that are never revived (404, -32001)", () => {
	it("a session its client ended with DELETE", async () => {
		const { sessionId } = await initialize();
		expect((await deleteSession(sessionId)).status).toBe(204);
		await syncMirror(sessionId);
		await expectErrorResponse(await post(rpc("ping"), { session: sessionId }), 404, -32001);
		expect(await sessionRow(sessionId)).toMatchObject({ revival_count: 0 });
	});

	it("a dormant session its client ended with DELETE (204, then ended for good)", async () => {
		const { sessionId } = await initialize();
		await expire(sessionId);
		expect((await deleteSession(sessionId)).status).toBe(204);
		expect(await sessionRow(sessionId)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "client_terminated",
			revival_count: 0,
		});
		await expectErrorResponse(await post(rpc("ping"), { session: sessionId }), 404, -32001);
		await expectErrorResponse(await deleteSession(sessionId), 404, -32001);
	});

	it("a session ended by revocation, live or dormant at the time", async () => {
		const admin = await createUser({ role: "admin" });
		const user = await createUser();
		const spare = await createToken(user.id);
		const live = await initializeAs(user.token);
		const dormant = await initializeAs(user.token);
		await expire(dormant);

		const revoked = await fetchWorker(`${PUBLIC_ORIGIN}/api/tokens/${user.tokenId}/revoke`, {
			method: "POST",
			headers: bearer(admin.token),
		});
		expect(await revoked.json()).toEqual({ endedSessions: 1, revokedGrants: 0 });
		expect(await sessionRow(live)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "revoked",
		});
		// The user's other token still works, and finds neither session: had the dormant one been live, it would have ended.
		for (const sessionId of [live, dormant]) {
			await expectErrorResponse(await pingAs(spare.token, sessionId), 404, -32001);
		}
		expect(await sessionRow(dormant)).toMatchObject({ status: "expired", revival_count: 0 });
	});

	it("a session ended by the per-user limit", async () => {
		const user = await createUser();
		const sessions = [];
		for (let i = 0; i < 4; i++) {
			const sessionId = await initializeAs(user.token);
			expect((await pingAs(user.token, sessionId)).status).toBe(200);
			sessions.push(sessionId);
		}
		const [evicted] = sessions as [string];
		expect(await sessionRow(evicted)).toMatchObject({ disconnect_reason: "evicted" });
		await expectErrorResponse(await pingAs(user.token, evicted), 404, -32001);
	});

	it("another user's session: 404 as for an unknown id, logged; its owner still revives it", async () => {
		const owner = await createUser();
		const intruder = await createUser();
		const sessionId = await initializeAs(owner.token);
		await expire(sessionId);
		const warn = vi.spyOn(console, "warn");

		await expectErrorResponse(await pingAs(intruder.token, sessionId), 404, -32001);
		await expectErrorResponse(await post(rpc("ping"), { session: sessionId }), 404, -32001);
		expect(
			warn.mock.calls.some(([line]) => String(line).includes("session.hijack_suspected")),
		).toBe(true);
		expect(await sessionRow(sessionId)).toMatchObject({ status: "expired", revival_count: 0 });
		expect((await pingAs(owner.token, sessionId)).status).toBe(200);
	});

	it("an unknown id, leaving no storage behind", async () => {
		const unknown = "R".repeat(32);
		await expectErrorResponse(await post(rpc("ping"), { session: unknown }), 404, -32001);
		const keys = await runInDurableObject(sessionStub(unknown), (_i, state) =>
			[...state.storage.kv.list()].map(([key]) => key),
		);
		expect(keys).toEqual([]);
	});

	it("a session past the revival window", async () => {
		const { sessionId } = await initialize();
		await expire(sessionId);
		const longAgo = Date.now() - PAST_THE_WINDOW_MS;
		await env.DB.prepare(
			"UPDATE archon_mcp_sessions SET disconnected_at = ?, last_activity = ? WHERE session_id = ?",
		)
			.bind(longAgo, longAgo, sessionId)
			.run();
		await expectErrorResponse(await post(rpc("ping"), { session: sessionId }), 404, -32001);
		expect(await sessionRow(sessionId)).toMatchObject({ status: "expired", revival_count: 0 });
	});
});
