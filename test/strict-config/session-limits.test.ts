/**
 * The `refuse` policy is exact under concurrency (issue 12, item 4):
 * MAX_SESSIONS_PER_USER=3, SESSION_LIMIT_POLICY=refuse in this project.
 */
import { describe, expect, it } from "vitest";
import { bearer, createUser, initializeAs, PUBLIC_MCP_URL, pingAs } from "../helpers/identity";
import { expectErrorResponse, initializeRequest, post } from "../helpers/mcp";
import { liveSessionsOf, openUsedSession, sessionRowCounts } from "../helpers/user-sessions";

/** Sessions racing to open and be used at once. */
const RACERS = 20;

/** `initialize` as the token's user, as sent: the raw response. */
function initializeRaw(token: string): Promise<Response> {
	return post(initializeRequest(), { url: PUBLIC_MCP_URL, version: null, headers: bearer(token) });
}

describe("refuse: 20 concurrent sessions of one user", () => {
	it("20 concurrent initialize calls with their first requests: exactly 3 are served, the rest get 403 -32002", async () => {
		const user = await createUser();
		const outcomes = await Promise.all(
			Array.from({ length: RACERS }, async () => {
				const opened = await initializeRaw(user.token);
				if (opened.status !== 200) {
					await expectErrorResponse(opened, 403, -32002);
					expect(opened.headers.get("mcp-session-id")).toBeNull();
					return "refused at initialize";
				}
				await opened.text();
				const sessionId = opened.headers.get("mcp-session-id") as string;
				const used = await pingAs(user.token, sessionId);
				if (used.status === 200) return "served";
				await expectErrorResponse(used, 403, -32002);
				return "refused at first request";
			}),
		);
		expect(outcomes.filter((outcome) => outcome === "served")).toHaveLength(3);
		const live = await liveSessionsOf(user.id);
		expect(live.filter(([, used]) => used)).toHaveLength(3);
		// Nothing was evicted: the policy refuses.
		expect(Object.keys(await sessionRowCounts(user.id))).toEqual(["active/-"]);
	});

	it("20 concurrent initialize calls past the limit are all refused, and create nothing", async () => {
		const user = await createUser();
		for (let i = 0; i < 3; i++) await openUsedSession(user.token);
		const responses = await Promise.all(
			Array.from({ length: RACERS }, () => initializeRaw(user.token)),
		);
		for (const response of responses) {
			const body = await expectErrorResponse(response, 403, -32002);
			expect(body.error?.message).toMatch(
				/^Session limit reached: at most 3 sessions in use per user/,
			);
			expect(response.headers.get("mcp-session-id")).toBeNull();
		}
		expect(await sessionRowCounts(user.id)).toEqual({ "active/-": 3 });
		expect(await liveSessionsOf(user.id)).toHaveLength(3);
	});

	it("an unused session of a user at the limit is refused at its first request, and stays unused", async () => {
		const user = await createUser();
		const waiting = await initializeAs(user.token);
		for (let i = 0; i < 3; i++) await openUsedSession(user.token);
		await expectErrorResponse(await pingAs(user.token, waiting), 403, -32002);
		expect((await liveSessionsOf(user.id)).find(([id]) => id === waiting)).toEqual([
			waiting,
			false,
		]);
	});
});
