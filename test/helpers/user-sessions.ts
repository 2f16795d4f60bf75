/**
 * Reads of a user's live-session set (their `UserSessionsObject`) and of
 * their D1 session rows, for the tests of the per-user limit.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { initializeAs, pingAs } from "./identity";

/** The user's live sessions as their object holds them: id, and whether the limit counts it (used). */
export function liveSessionsOf(userId: string): Promise<Array<[string, boolean]>> {
	const stub = env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName(userId));
	return runInDurableObject(stub, async (instance) =>
		(await instance.list(userId)).map((entry): [string, boolean] => [
			entry.sessionId,
			entry.usedAt !== null,
		]),
	);
}

/** The user's session rows in D1 counted by `status/disconnect_reason`. */
export async function sessionRowCounts(userId: string): Promise<Record<string, number>> {
	const { results } = await env.DB.prepare(
		"SELECT status || '/' || coalesce(disconnect_reason, '-') AS state, count(*) AS n FROM archon_mcp_sessions WHERE user_id = ? GROUP BY state",
	)
		.bind(userId)
		.all<{ state: string; n: number }>();
	return Object.fromEntries(results.map((row) => [row.state, row.n]));
}

/** Opens a session as the token's user and makes it count: `initialize`, then its first request. */
export async function openUsedSession(token: string): Promise<string> {
	const sessionId = await initializeAs(token);
	expect((await pingAs(token, sessionId)).status).toBe(200);
	return sessionId;
}
