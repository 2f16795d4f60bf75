/**
 * Retention of the D1 mirror, run by the Cron Trigger (`scheduled` in
 * `src/worker.ts`, `[triggers] crons` in wrangler.toml): request rows older
 * than `REQUEST_RETENTION_DAYS`, and sessions that ended more than
 * `SESSION_RETENTION_DAYS` ago (with any request rows they still have: the
 * foreign key cascades), are deleted. Live sessions are never touched.
 *
 * Each run deletes in bounded batches (`RETENTION_BOUNDS`: at most 10 000
 * rows of each table), so a backlog is worked off over several runs and no
 * run holds D1 for long; the request sweep walks the `(timestamp, ...)` index,
 * the session sweep the `(status, last_activity)` one.
 */
import { sql } from "drizzle-orm";
import type { ServerConfig } from "../config";
import type { Database } from "../db/database";
import { mcpRequests, mcpSessions } from "../db/schema";
import { log } from "../log";

/** One day in milliseconds. */
const DAY_MS = 86_400_000;

/** How much one run may delete. */
export interface RetentionBounds {
	/** Rows per DELETE statement. */
	readonly batchRows: number;
	/** DELETE statements per table per run. */
	readonly maxBatches: number;
}

/** 10 batches of 1 000 rows per table per run: 20 statements, within any plan's subrequest limit. */
export const RETENTION_BOUNDS: RetentionBounds = { batchRows: 1000, maxBatches: 10 };

/** What one run deleted, and whether it stopped at its bound with more to delete. */
export interface RetentionResult {
	readonly requestRows: number;
	readonly sessions: number;
	readonly more: boolean;
}

/**
 * Deletes what is past its retention window at `now` (epoch ms), within `bounds`.
 *
 * @example
 * await sweepRetention(openDatabase(env.DB), readConfig(env), controller.scheduledTime);
 */
export async function sweepRetention(
	db: Database,
	config: ServerConfig,
	now: number,
	bounds: RetentionBounds = RETENTION_BOUNDS,
): Promise<RetentionResult> {
	const requestCutoff = now - config.requestRetentionDays * DAY_MS;
	const sessionCutoff = now - config.sessionRetentionDays * DAY_MS;
	const r = mcpRequests;
	const s = mcpSessions;
	const requests = await deleteInBatches(
		db,
		bounds,
		(limit) => sql`DELETE FROM ${r} WHERE rowid IN (
			SELECT rowid FROM ${r} WHERE ${r.timestamp} < ${requestCutoff} LIMIT ${limit})`,
	);
	// last_activity <= disconnected_at, so the first bound narrows by the index and the second is exact.
	const sessions = await deleteInBatches(
		db,
		bounds,
		(limit) => sql`DELETE FROM ${s} WHERE ${s.sessionId} IN (
			SELECT ${s.sessionId} FROM ${s}
			WHERE ${s.status} IN ('expired', 'disconnected') AND ${s.lastActivity} < ${sessionCutoff}
				AND ${s.disconnectedAt} < ${sessionCutoff}
			LIMIT ${limit})`,
	);
	const result = {
		requestRows: requests.deleted,
		sessions: sessions.deleted,
		more: requests.more || sessions.more,
	};
	log.info("retention.swept", { ...result, requestCutoff, sessionCutoff });
	return result;
}

/** Runs `statement` until a batch deletes less than a full batch, or `maxBatches` times. */
async function deleteInBatches(
	db: Database,
	bounds: RetentionBounds,
	statement: (limit: number) => ReturnType<typeof sql>,
): Promise<{ deleted: number; more: boolean }> {
	let deleted = 0;
	for (let batch = 0; batch < bounds.maxBatches; batch++) {
		const result = await db.run(statement(bounds.batchRows));
		const changes = result.meta.changes ?? 0;
		deleted += changes;
		if (changes < bounds.batchRows) return { deleted, more: false };
	}
	return { deleted, more: true };
}
