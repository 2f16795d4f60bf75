/**
 * Cheap orphans (issue 11): a session with no request since its handshake
 * expires after SESSION_UNUSED_TIMEOUT_SECONDS (300 s by default) and is not
 * counted by the per-user limit, so a burst of throwaway sessions never
 * evicts one in real use; a late first request still works (revival).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionRecord } from "../src/session/session-record";
import { StorageKey } from "../src/session/session-store";
import { sessionRow } from "./helpers/d1";
import { createUser, initializeAs, pingAs } from "./helpers/identity";
import {
	backdateSession,
	initialize,
	initializeRequest,
	post,
	rpc,
	sessionStub,
	syncMirror,
} from "./helpers/mcp";
import { liveSessionsOf, openUsedSession } from "./helpers/user-sessions";

/** Seconds from now to the session's alarm. */
async function alarmInSeconds(sessionId: string): Promise<number> {
	const alarm = await runInDurableObject(sessionStub(sessionId), (_i, state) =>
		state.storage.getAlarm(),
	);
	return ((alarm as number) - Date.now()) / 1000;
}

/** Seconds from now to the session's idle deadline (requests slide it; the alarm re-arms at it when it fires). */
async function deadlineInSeconds(sessionId: string): Promise<number> {
	const record = await runInDurableObject(sessionStub(sessionId), (_i, state) =>
		state.storage.kv.get<SessionRecord>(StorageKey.Session),
	);
	return ((record?.expiresAt ?? 0) - Date.now()) / 1000;
}

describe("the unused-session timeout", () => {
	it("expires a session with no request after its handshake in 300 s; notifications do not extend it", async () => {
		const { sessionId } = await initialize();
		expect(await alarmInSeconds(sessionId)).toBeGreaterThan(295);
		expect(await alarmInSeconds(sessionId)).toBeLessThanOrEqual(300);
		const before = await alarmInSeconds(sessionId);
		// `initialize` helper already sent notifications/initialized; another notification changes nothing.
		expect(
			(
				await post(
					{ jsonrpc: "2.0", method: "notifications/roots/list_changed" },
					{ session: sessionId },
				)
			).status,
		).toBe(202);
		expect(await alarmInSeconds(sessionId)).toBeLessThanOrEqual(before);
		expect(await deadlineInSeconds(sessionId)).toBeLessThanOrEqual(before);
		await backdateSession(sessionId);
		expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);
		expect(await sessionRow(sessionId)).toMatchObject({
			status: "expired",
			disconnect_reason: "timeout",
		});
	});

	it("gives the full idle timeout from the first request on", async () => {
		const { sessionId } = await initialize();
		expect((await post(rpc("ping"), { session: sessionId })).status).toBe(200);
		expect(await deadlineInSeconds(sessionId)).toBeGreaterThan(3590);
	});

	it("starts again at a new handshake in the session", async () => {
		const { sessionId } = await initialize();
		expect((await post(rpc("ping"), { session: sessionId })).status).toBe(200);
		const again = await post(initializeRequest(), { archon: sessionId, version: null });
		expect(again.headers.get("mcp-session-id")).toBe(sessionId);
		expect(await deadlineInSeconds(sessionId)).toBeLessThanOrEqual(300);
		expect(await alarmInSeconds(sessionId)).toBeLessThanOrEqual(300);
	});

	it("still serves a late first request, in the same session (revived)", async () => {
		const { sessionId } = await initialize();
		await backdateSession(sessionId);
		await runDurableObjectAlarm(sessionStub(sessionId));
		expect((await sessionRow(sessionId))?.status).toBe("expired");
		const late = await post(rpc("tools/list"), { session: sessionId });
		expect(late.status).toBe(200);
		expect(late.headers.get("mcp-session-id")).toBe(sessionId);
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({ status: "active", revival_count: 1 });
		expect(await alarmInSeconds(sessionId)).toBeGreaterThan(3590);
	});
});

describe("per-user limits count only used sessions (MAX_SESSIONS_PER_USER=3)", () => {
	it("a burst of unused sessions evicts no session in use", async () => {
		const user = await createUser();
		const used = [];
		for (let i = 0; i < 3; i++) used.push(await openUsedSession(user.token));
		const burst = await Promise.all(Array.from({ length: 10 }, () => initializeAs(user.token)));

		for (const sessionId of used) expect((await pingAs(user.token, sessionId)).status).toBe(200);
		const live = await liveSessionsOf(user.id);
		expect(
			live
				.filter(([, counted]) => counted)
				.map(([id]) => id)
				.sort(),
		).toEqual(used.sort());
		expect(live.filter(([, counted]) => !counted)).toHaveLength(burst.length);
		for (const sessionId of burst) {
			await syncMirror(sessionId);
			expect((await sessionRow(sessionId))?.status).toBe("active");
		}
	});

	it("an unused session that expires leaves the user's set", async () => {
		const user = await createUser();
		const sessionId = await initializeAs(user.token);
		expect(await liveSessionsOf(user.id)).toEqual([[sessionId, false]]);
		await backdateSession(sessionId);
		await runDurableObjectAlarm(sessionStub(sessionId));
		expect(await liveSessionsOf(user.id)).toEqual([]);
	});
});
