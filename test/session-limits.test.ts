/**
 * The per-user session limit is exact under concurrency (issue 12, item 4):
 * each user's object admits sessions one at a time. MAX_SESSIONS_PER_USER=3
 * and the default `evict` policy here; `refuse`: test/strict-config/.
 */
import { describe, expect, it } from "vitest";
import { createUser, initializeAs, pingAs } from "./helpers/identity";
import { sessionStub } from "./helpers/mcp";
import { liveSessionsOf, openUsedSession, sessionRowCounts } from "./helpers/user-sessions";

/** Sessions racing to open and be used at once. */
const RACERS = 20;

describe("evict: 20 concurrent sessions of one user", () => {
	it("20 concurrent initialize calls and first requests leave exactly 3 sessions in use", async () => {
		const user = await createUser();
		const earlier = await openUsedSession(user.token);

		const ids = await Promise.all(
			Array.from({ length: RACERS }, async () => {
				const sessionId = await initializeAs(user.token);
				const status = (await pingAs(user.token, sessionId)).status;
				// Served, or evicted by a later session between its admission and its answer.
				expect([200, 404]).toContain(status);
				return sessionId;
			}),
		);

		const live = await liveSessionsOf(user.id);
		expect(live).toHaveLength(3);
		expect(live.every(([, used]) => used)).toBe(true);
		const liveIds = new Set(live.map(([id]) => id));
		// Each session's own object agrees: exactly those 3 are live.
		const activity = await Promise.all([earlier, ...ids].map((id) => sessionStub(id).activity(id)));
		expect(activity.filter((at) => at !== null)).toHaveLength(3);
		for (const [index, id] of [earlier, ...ids].entries()) {
			expect(activity[index] !== null).toBe(liveIds.has(id));
		}
		expect(await sessionRowCounts(user.id)).toEqual({
			"active/-": 3,
			"disconnected/evicted": RACERS + 1 - 3,
		});
	});

	it("20 concurrent initialize calls alone evict nothing: unused sessions do not count", async () => {
		const user = await createUser();
		const used = [await openUsedSession(user.token), await openUsedSession(user.token)];
		await Promise.all(Array.from({ length: RACERS }, () => initializeAs(user.token)));
		for (const sessionId of used) expect((await pingAs(user.token, sessionId)).status).toBe(200);
		expect(await sessionRowCounts(user.id)).toEqual({ "active/-": RACERS + 2 });
	});
});
