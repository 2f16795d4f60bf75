/**
 * The SQL of export and import, written once for both places that run it:
 * the Worker binds the parameters (D1 `prepare().bind()`), the admin command
 * quotes them into the text (`wrangler d1 execute` takes none). Statements
 * bind at most 100 values, D1's limit.
 */
import type { ExportedRequest, ExportedSession } from "./export-format.ts";

/** A value a statement binds. */
export type SqlParam = string | number | null;

/** One statement: SQL with `?` placeholders, and its values in order. */
export interface Statement {
	readonly sql: string;
	readonly params: readonly SqlParam[];
}

/** Runs one statement and returns its rows, column names as in D1. */
export type Query = (statement: Statement) => Promise<ReadonlyArray<Record<string, unknown>>>;

/** Which sessions an export takes; all optional. */
export interface ExportFilter {
	/** Sessions with activity at or after this time (epoch ms). */
	readonly since?: number;
	/** Sessions connected before this time (epoch ms). */
	readonly until?: number;
	/** A user's sessions: their email (with `@`) or their user id. */
	readonly user?: string;
	readonly status?: "active" | "expired" | "disconnected";
}

/** Sessions read per page, in session id order. */
export const SESSIONS_PER_PAGE = 100;

/** Request rows read per page, in (session id, time, request id) order. */
export const REQUEST_ROWS_PER_PAGE = 2000;

/** Request rows per INSERT: 14 columns each, under D1's 100 bound values. */
const REQUEST_ROWS_PER_INSERT = 7;

const SESSION_COLUMNS = [
	"session_id",
	"client_type",
	"client_name",
	"client_version",
	"client_capabilities",
	"protocol_version",
	"connected_at",
	"last_activity",
	"disconnected_at",
	"status",
	"disconnect_reason",
	"total_duration",
	"user_id",
	"user_email",
	"metadata",
	"log_level",
	"revival_count",
	"revived_at",
] as const;

const REQUEST_COLUMNS = [
	"request_id",
	"session_id",
	"era",
	"method",
	"tool_name",
	"timestamp",
	"duration_ms",
	"status",
	"error_message",
	"user_id",
	"client_name",
	"client_version",
	"protocol_version",
	"traceparent",
] as const;

/** The next page of sessions after `afterId` (null: the first), filtered. */
export function sessionsPage(filter: ExportFilter, afterId: string | null): Statement {
	const where: string[] = [];
	const params: SqlParam[] = [];
	const add = (condition: string, value: SqlParam) => {
		where.push(condition);
		params.push(value);
	};
	if (afterId !== null) add("session_id > ?", afterId);
	if (filter.since !== undefined) add("last_activity >= ?", filter.since);
	if (filter.until !== undefined) add("connected_at < ?", filter.until);
	if (filter.user?.includes("@")) add("user_email = ?", filter.user.toLowerCase());
	else if (filter.user !== undefined) add("user_id = ?", filter.user);
	if (filter.status !== undefined) add("status = ?", filter.status);
	return {
		sql: `SELECT ${SESSION_COLUMNS.join(", ")} FROM archon_mcp_sessions${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY session_id LIMIT ${SESSIONS_PER_PAGE}`,
		params,
	};
}

/** The next page of request rows of `sessionIds` after a (session id, time, request id) key. */
export function requestsPage(
	sessionIds: readonly string[],
	after: readonly [string, number, string] | null,
): Statement {
	const placeholders = sessionIds.map(() => "?").join(", ");
	const keyset = after === null ? "" : " AND (session_id, timestamp, request_id) > (?, ?, ?)";
	return {
		sql: `SELECT ${REQUEST_COLUMNS.join(", ")} FROM archon_mcp_requests WHERE session_id IN (${placeholders})${keyset} ORDER BY session_id, timestamp, request_id LIMIT ${REQUEST_ROWS_PER_PAGE}`,
		params: [...sessionIds, ...(after ?? [])],
	};
}

/** Whether a session exists, and how many request rows it has. */
export function sessionState(sessionId: string): Statement {
	return {
		sql: "SELECT (SELECT count(*) FROM archon_mcp_sessions WHERE session_id = ?) AS sessions, (SELECT count(*) FROM archon_mcp_requests WHERE session_id = ?) AS requests",
		params: [sessionId, sessionId],
	};
}

/** Inserts the session row unless its id exists. */
export function insertSession(session: ExportedSession): Statement {
	const values: SqlParam[] = [
		session.session_id,
		session.client_type,
		session.client_name,
		session.client_version,
		JSON.stringify(session.client_capabilities ?? {}),
		session.protocol_version,
		session.connected_at,
		session.last_activity,
		session.disconnected_at,
		session.status,
		session.disconnect_reason,
		session.total_duration,
		session.user_id,
		session.user_email,
		JSON.stringify(session.metadata),
		session.log_level,
		session.revival_count,
		session.revived_at,
	];
	return {
		sql: `INSERT INTO archon_mcp_sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${placeholders(SESSION_COLUMNS.length)}) ON CONFLICT (session_id) DO NOTHING`,
		params: values,
	};
}

/** Inserts request rows of a legacy session, leaving rows whose id exists alone. */
export function insertRequests(
	sessionId: string,
	requests: readonly ExportedRequest[],
): Statement[] {
	const statements: Statement[] = [];
	for (let start = 0; start < requests.length; start += REQUEST_ROWS_PER_INSERT) {
		const chunk = requests.slice(start, start + REQUEST_ROWS_PER_INSERT);
		statements.push({
			sql: `INSERT INTO archon_mcp_requests (${REQUEST_COLUMNS.join(", ")}) VALUES ${chunk.map(() => `(${placeholders(REQUEST_COLUMNS.length)})`).join(", ")} ON CONFLICT (request_id) DO NOTHING`,
			params: chunk.flatMap((r) => [
				r.request_id,
				sessionId,
				"legacy",
				r.method,
				r.tool_name,
				r.timestamp,
				r.duration_ms,
				r.status,
				r.error_message,
				r.user_id,
				r.client_name,
				r.client_version,
				r.protocol_version,
				r.traceparent,
			]),
		});
	}
	return statements;
}

function placeholders(count: number): string {
	return Array.from({ length: count }, () => "?").join(", ");
}
