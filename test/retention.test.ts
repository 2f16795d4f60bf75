import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { openDatabase } from "../src/db/database";
import { sweepRetention } from "../src/retention/retention";
import worker from "../src/worker";
import { fetchAndSettle } from "./helpers/modern";

const DAY_MS = 86_400_000;

/**
 * The sweeps run at times before 2001, so only rows these tests write (dated
 * up to 400 days before their "now") are ever old enough: rows of other tests
 * are decades younger, and each test's "now" is 1000 days before the last
 * one's rows.
 */
let clock = Date.UTC(2001, 0, 1);

/** A "now" for one test, earlier than every row of the tests before it. */
function testNow(): number {
	clock -= 1000 * DAY_MS;
	return clock;
}

async function insertSession(
	id: string,
	status: "active" | "expired" | "disconnected",
	lastActivity: number,
	disconnectedAt: number | null,
): Promise<void> {
	await env.DB.prepare(
		`INSERT INTO archon_mcp_sessions (session_id, client_type, protocol_version, connected_at,
			last_activity, disconnected_at, status) VALUES (?, 'Other', '2025-11-25', ?, ?, ?, ?)`,
	)
		.bind(id, lastActivity - DAY_MS, lastActivity, disconnectedAt, status)
		.run();
}

async function insertRequest(id: string, timestamp: number, sessionId: string | null = null) {
	await env.DB.prepare(
		`INSERT INTO archon_mcp_requests (request_id, session_id, era, method, timestamp, duration_ms,
			status) VALUES (?, ?, ?, 'tools/list', ?, 1, 'success')`,
	)
		.bind(id, sessionId, sessionId === null ? "modern" : "legacy", timestamp)
		.run();
}

async function existing(table: "sessions" | "requests", ids: string[]): Promise<string[]> {
	const column = table === "sessions" ? "session_id" : "request_id";
	const { results } = await env.DB.prepare(
		`SELECT ${column} AS id FROM archon_mcp_${table} WHERE ${column} IN (${ids.map(() => "?").join(", ")}) ORDER BY ${column}`,
	)
		.bind(...ids)
		.all<{ id: string }>();
	return results.map((row) => row.id);
}

describe("retention (Cron Trigger)", () => {
	it("the scheduled handler deletes request rows past 30 days and sessions ended past 90, and keeps the rest", async () => {
		const now = testNow();
		const tag = crypto.randomUUID().slice(0, 8);
		const id = (name: string) => `${tag}-${name}`;
		await insertRequest(id("r-old"), now - 31 * DAY_MS);
		await insertRequest(id("r-young"), now - 29 * DAY_MS);
		await insertSession(id("s-ended-old"), "expired", now - 92 * DAY_MS, now - 91 * DAY_MS);
		// Its request rows go with it, old or not (the foreign key cascades).
		await insertRequest(id("r-of-ended"), now - 10 * DAY_MS, id("s-ended-old"));
		// Idle long before the cutoff, ended after it: kept until 90 days after it ended.
		await insertSession(id("s-ended-late"), "disconnected", now - 100 * DAY_MS, now - 89 * DAY_MS);
		await insertSession(id("s-ended-young"), "disconnected", now - 20 * DAY_MS, now - 20 * DAY_MS);
		// A live session is never deleted, however old.
		await insertSession(id("s-active-old"), "active", now - 400 * DAY_MS, null);

		const controller = createScheduledController({ scheduledTime: now, cron: "*/15 * * * *" });
		await worker.scheduled(controller, env);

		expect(await existing("requests", [id("r-old"), id("r-young"), id("r-of-ended")])).toEqual([
			id("r-young"),
		]);
		expect(
			await existing("sessions", [
				id("s-ended-old"),
				id("s-ended-late"),
				id("s-ended-young"),
				id("s-active-old"),
			]),
		).toEqual([id("s-active-old"), id("s-ended-late"), id("s-ended-young")]);
		// No other test should count this made-up live session.
		await env.DB.prepare("DELETE FROM archon_mcp_sessions WHERE session_id = ?")
			.bind(id("s-active-old"))
			.run();
	});

	it("deletes in bounded batches per run, and honours REQUEST_RETENTION_DAYS and SESSION_RETENTION_DAYS", async () => {
		const now = testNow();
		const tag = crypto.randomUUID().slice(0, 8);
		const ids = Array.from({ length: 7 }, (_, i) => `${tag}-r${i}`);
		for (const id of ids) await insertRequest(id, now - 8 * DAY_MS);
		await insertSession(`${tag}-s`, "expired", now - 9 * DAY_MS, now - 8 * DAY_MS);
		const config = readConfig({ REQUEST_RETENTION_DAYS: "7", SESSION_RETENTION_DAYS: "7" });
		const db = openDatabase(env.DB);
		const bounds = { batchRows: 2, maxBatches: 2 };

		expect(await sweepRetention(db, config, now, bounds)).toEqual({
			requestRows: 4,
			sessions: 1,
			more: true,
		});
		expect(await existing("requests", ids)).toHaveLength(3);
		expect(await sweepRetention(db, config, now, bounds)).toEqual({
			requestRows: 3,
			sessions: 0,
			more: false,
		});
		expect(await existing("requests", ids)).toEqual([]);
		// The defaults (30 days) would have kept all of them.
		expect(readConfig({})).toMatchObject({ requestRetentionDays: 30, sessionRetentionDays: 90 });
	});

	it("shows the retention window in /health", async () => {
		const health = await fetchAndSettle(new Request("http://localhost/health"));
		expect(await health.json()).toMatchObject({ retention: { requestDays: 30, sessionDays: 90 } });
		const configured = await fetchAndSettle(new Request("http://localhost/health"), {
			REQUEST_RETENTION_DAYS: "7",
			SESSION_RETENTION_DAYS: "365",
		});
		expect(await configured.json()).toMatchObject({
			retention: { requestDays: 7, sessionDays: 365 },
		});
	});
});
