/**
 * Aggregates of the session mirror (`archon_mcp_sessions`) over a bounded
 * time range: live sessions now and over time, the lifecycle counts (created,
 * resumed, revived, expired, terminated by reason) and sessions by user. Each
 * function is one or two D1 queries; their plans are in docs/metrics.md. A
 * unary `+` on a column (`+era`, `+user_id`) keeps SQLite from choosing that
 * column's index over the time range's, so every query stays bounded by it.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database";
import type { DisconnectReason } from "../db/schema";
import { type MetricsScope, userFilter } from "./scope";
import type { TimeRange } from "./time-range";

/** A modern client counts as active now if it sent a request this recently (5 minutes, in ms). */
export const MODERN_ACTIVE_WINDOW_MS = 5 * 60_000;

/** Most users the by-user listing returns (the busiest). */
const MAX_USERS = 100;

/** What is live now, in each era. */
export interface ActiveNow {
	/** Legacy sessions whose D1 row is `active`. */
	readonly legacySessions: number;
	/** Distinct modern clients (user and client name) with a request in the last 5 minutes. */
	readonly modernClients: number;
}

/** How sessions began and ended in the range. */
export interface LifecycleCounts {
	readonly created: number;
	/** `initialize` again in a live session (same id, history kept). */
	readonly resumed: number;
	/** Idle-expired sessions brought back by a request, whose latest revival (`revived_at`) is in the range. */
	readonly revived: number;
	/** Ended by idle timeout. */
	readonly expired: number;
	/** Ended otherwise, by reason. */
	readonly terminated: Readonly<Partial<Record<Exclude<DisconnectReason, "timeout">, number>>>;
}

/** One user's sessions. */
export interface UserSessions {
	/** Null for sessions opened without credentials (auth off on loopback). */
	readonly userId: string | null;
	readonly email: string | null;
	/** Live now. */
	readonly activeSessions: number;
	/** With activity in the range. */
	readonly sessions: number;
	readonly requests: number;
	readonly errors: number;
}

/** Live legacy sessions and active modern clients at `now`. */
export async function activeNow(
	db: Database,
	scope: MetricsScope,
	now: number,
): Promise<ActiveNow> {
	const [row] = await db.all<{ sessions: number; clients: number }>(sql`
		SELECT
			(SELECT count(*) FROM archon_mcp_sessions WHERE status = 'active'${userFilter(scope)}) AS sessions,
			(SELECT count(DISTINCT coalesce(user_id, '') || char(31) || coalesce(client_name, ''))
				FROM archon_mcp_requests
				WHERE timestamp >= ${now - MODERN_ACTIVE_WINDOW_MS} AND +era = 'modern'${userFilter(scope)}) AS clients`);
	return { legacySessions: row?.sessions ?? 0, modernClients: row?.clients ?? 0 };
}

/**
 * Legacy sessions live at some time in each bucket: opened before the bucket
 * ends and not ended before it starts. Counted as (sessions opened before the
 * bucket's end) − (sessions ended before its start), from two histograms of
 * the sessions live in the range, so the work is one pass over them.
 */
export async function sessionSeries(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
): Promise<number[]> {
	const rows = await db.all<{ kind: "open" | "end"; bucket: number; n: number }>(sql`
		WITH live AS (
			SELECT connected_at, disconnected_at FROM archon_mcp_sessions
			WHERE status = 'active' AND connected_at < ${range.to}${userFilter(scope)}
			UNION ALL
			SELECT connected_at, disconnected_at FROM archon_mcp_sessions
			WHERE disconnected_at >= ${range.from} AND status <> 'active'
				AND connected_at < ${range.to}${userFilter(scope)}
		)
		SELECT 'open' AS kind,
			CASE WHEN connected_at < ${range.from} THEN -1
				ELSE CAST((connected_at - ${range.from}) / ${range.bucketMs} AS INTEGER) END AS bucket,
			count(*) AS n
		FROM live GROUP BY bucket
		UNION ALL
		SELECT 'end', CAST((disconnected_at - ${range.from}) / ${range.bucketMs} AS INTEGER), count(*)
		FROM live WHERE disconnected_at IS NOT NULL AND disconnected_at < ${range.to}
		GROUP BY 2`);
	const opened = new Array<number>(range.buckets + 1).fill(0);
	const ended = new Array<number>(range.buckets).fill(0);
	for (const row of rows) {
		if (row.kind === "open") opened[row.bucket + 1] = (opened[row.bucket + 1] ?? 0) + row.n;
		else ended[row.bucket] = (ended[row.bucket] ?? 0) + row.n;
	}
	const series: number[] = [];
	let openedSoFar = opened[0] ?? 0;
	let endedBefore = 0;
	for (let bucket = 0; bucket < range.buckets; bucket++) {
		openedSoFar += opened[bucket + 1] ?? 0;
		series.push(openedSoFar - endedBefore);
		endedBefore += ended[bucket] ?? 0;
	}
	return series;
}

/** Sessions created, resumed, revived and ended in the range. */
export async function lifecycleCounts(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
): Promise<LifecycleCounts> {
	const { from, to } = range;
	const [counts] = await db.all<{ created: number; resumed: number; revived: number }>(sql`
		SELECT
			(SELECT count(*) FROM archon_mcp_sessions
				WHERE connected_at >= ${from} AND connected_at < ${to}${userFilter(scope)}) AS created,
			(SELECT count(*) FROM archon_mcp_requests r
				WHERE r.method = 'initialize' AND r.era = 'legacy'
					AND r.timestamp >= ${from} AND r.timestamp < ${to}${userFilter(scope, sql.raw("r.user_id"))}
					AND EXISTS (SELECT 1 FROM archon_mcp_requests f
						WHERE f.session_id = r.session_id AND +f.method = 'initialize' AND f.timestamp < r.timestamp)
			) AS resumed,
			(SELECT count(*) FROM archon_mcp_sessions
				WHERE last_activity >= ${from}${userFilter(scope)}
					AND revived_at >= ${from} AND revived_at < ${to}) AS revived`);
	const ended = await db.all<{ reason: DisconnectReason | null; n: number }>(sql`
		SELECT disconnect_reason AS reason, count(*) AS n FROM archon_mcp_sessions
		WHERE disconnected_at >= ${from} AND disconnected_at < ${to}${userFilter(scope)}
		GROUP BY disconnect_reason`);
	const terminated: Partial<Record<Exclude<DisconnectReason, "timeout">, number>> = {};
	let expired = 0;
	for (const { reason, n } of ended) {
		if (reason === "timeout") expired += n;
		else if (reason !== null) terminated[reason] = n;
	}
	return {
		created: counts?.created ?? 0,
		resumed: counts?.resumed ?? 0,
		revived: counts?.revived ?? 0,
		expired,
		terminated,
	};
}

/** Sessions and requests per user in the range, busiest first (for admins: it names every user). */
export async function sessionsByUser(db: Database, range: TimeRange): Promise<UserSessions[]> {
	const rows = await db.all<{
		user_id: string | null;
		email: string | null;
		sessions: number;
		active: number;
		requests: number | null;
		errors: number | null;
	}>(sql`
		WITH s AS (
			SELECT user_id, max(user_email) AS email, count(*) AS sessions, sum(status = 'active') AS active
			FROM archon_mcp_sessions
			WHERE last_activity >= ${range.from} AND connected_at < ${range.to}
			GROUP BY +user_id
		), r AS (
			SELECT user_id, count(*) AS requests, sum(status = 'error') AS errors
			FROM archon_mcp_requests
			WHERE timestamp >= ${range.from} AND timestamp < ${range.to}
			GROUP BY user_id
		)
		SELECT s.user_id, s.email, s.sessions, s.active, r.requests, r.errors
		FROM s LEFT JOIN r ON r.user_id IS s.user_id
		ORDER BY s.sessions DESC, s.email
		LIMIT ${MAX_USERS}`);
	return rows.map((row) => ({
		userId: row.user_id,
		email: row.email,
		activeSessions: row.active,
		sessions: row.sessions,
		requests: row.requests ?? 0,
		errors: row.errors ?? 0,
	}));
}
