/**
 * The session explorer: find sessions by id, user or client, then one
 * session's timeline: its requests in order (method, tool, status, duration,
 * error, trace) and its lifecycle events (created, resumed, revived, expired
 * or terminated with the reason), all read from D1.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database";
import type { DisconnectReason, RequestStatus } from "../db/schema";
import { McpAttribute } from "../telemetry/attributes";
import { type MetricsScope, userFilter } from "./scope";
import type { TimeRange } from "./time-range";

/** Sessions a search returns, most recently active first. */
export const MAX_SEARCH_RESULTS = 50;

/** Requests a timeline shows, oldest first; a longer session says it was cut. */
export const MAX_TIMELINE_REQUESTS = 500;

/** A session as the explorer lists it. */
export interface SessionSummary {
	readonly [McpAttribute.SessionId]: string;
	readonly status: string;
	readonly clientType: string;
	readonly clientName: string | null;
	readonly clientVersion: string | null;
	readonly [McpAttribute.ProtocolVersion]: string;
	readonly userId: string | null;
	readonly userEmail: string | null;
	readonly connectedAt: number;
	readonly lastActivity: number;
	readonly disconnectedAt: number | null;
	readonly disconnectReason: DisconnectReason | null;
	/** Requests served, from the session's own count (mirrored in its metadata). */
	readonly requestCount: number;
	/** Times it was revived after an idle expiry. */
	readonly revivalCount: number;
}

/** One step of a session's life. */
export interface LifecycleEvent {
	readonly event: "created" | "resumed" | "revived" | "expired" | "terminated";
	readonly at: number;
	/** Why it ended (for `terminated` and `expired`), else null. */
	readonly reason: DisconnectReason | null;
}

/** One request of a timeline. */
export interface TimelineRequest {
	readonly requestId: string;
	readonly timestamp: number;
	readonly [McpAttribute.MethodName]: string;
	readonly [McpAttribute.ToolName]: string | null;
	readonly status: RequestStatus;
	readonly durationMs: number;
	readonly errorMessage: string | null;
	readonly traceparent: string | null;
}

/** A session's timeline. */
export interface SessionTimeline {
	readonly session: SessionSummary;
	readonly events: LifecycleEvent[];
	readonly requests: TimelineRequest[];
	/** True when the session has more than `MAX_TIMELINE_REQUESTS` request rows. */
	readonly truncated: boolean;
}

interface SessionRowRaw {
	session_id: string;
	status: string;
	client_type: string;
	client_name: string | null;
	client_version: string | null;
	protocol_version: string;
	user_id: string | null;
	user_email: string | null;
	connected_at: number;
	last_activity: number;
	disconnected_at: number | null;
	disconnect_reason: DisconnectReason | null;
	metadata: string | null;
	revival_count: number;
	revived_at: number | null;
}

/**
 * Sessions active in the range whose id starts with `query`, or whose user
 * email, client name or client type contains it (case-insensitive), plus the
 * session whose id is exactly `query` wherever it lies in time.
 */
export async function searchSessions(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
	query: string,
): Promise<SessionSummary[]> {
	const term = query.trim();
	const contains = `%${escapeLike(term)}%`;
	// Two queries, not one with OR: each then keeps to its index (the key; the activity range).
	const exact = await db.all<SessionRowRaw>(sql`
		SELECT * FROM archon_mcp_sessions WHERE session_id = ${term}${userFilter(scope)}`);
	const matching = await db.all<SessionRowRaw>(sql`
		SELECT * FROM archon_mcp_sessions
		WHERE last_activity >= ${range.from} AND connected_at < ${range.to}${userFilter(scope)}
			AND (${term} = '' OR session_id LIKE ${`${escapeLike(term)}%`} ESCAPE '\\'
				OR user_email LIKE ${contains} ESCAPE '\\' OR client_name LIKE ${contains} ESCAPE '\\'
				OR client_type LIKE ${contains} ESCAPE '\\')
		ORDER BY last_activity DESC
		LIMIT ${MAX_SEARCH_RESULTS}`);
	const rows = [...exact, ...matching.filter((row) => row.session_id !== term)];
	return rows.slice(0, MAX_SEARCH_RESULTS).map(summaryOf);
}

/** The timeline of a session the scope may see, or undefined (unknown, or another user's). */
export async function sessionTimeline(
	db: Database,
	scope: MetricsScope,
	sessionId: string,
): Promise<SessionTimeline | undefined> {
	const [row] = await db.all<SessionRowRaw>(sql`
		SELECT * FROM archon_mcp_sessions WHERE session_id = ${sessionId}${userFilter(scope)}`);
	if (!row) return undefined;
	const rows = await db.all<{
		request_id: string;
		timestamp: number;
		method: string;
		tool_name: string | null;
		status: RequestStatus;
		duration_ms: number;
		error_message: string | null;
		traceparent: string | null;
	}>(sql`
		SELECT request_id, timestamp, method, tool_name, status, duration_ms, error_message, traceparent
		FROM archon_mcp_requests WHERE session_id = ${sessionId}
		ORDER BY timestamp, rowid LIMIT ${MAX_TIMELINE_REQUESTS + 1}`);
	const requests = rows.slice(0, MAX_TIMELINE_REQUESTS).map((request) => ({
		requestId: request.request_id,
		timestamp: request.timestamp,
		[McpAttribute.MethodName]: request.method,
		[McpAttribute.ToolName]: request.tool_name,
		status: request.status,
		durationMs: request.duration_ms,
		errorMessage: request.error_message,
		traceparent: request.traceparent,
	}));
	return {
		session: summaryOf(row),
		events: lifecycleOf(row, requests),
		requests,
		truncated: rows.length > MAX_TIMELINE_REQUESTS,
	};
}

/**
 * The events of a session, in time order: created at connect; resumed at
 * each `initialize` after the first; revived at its latest revival (the row
 * keeps only that one's time, and how many there were); expired or
 * terminated when it ended.
 */
function lifecycleOf(row: SessionRowRaw, requests: readonly TimelineRequest[]): LifecycleEvent[] {
	const events: LifecycleEvent[] = [{ event: "created", at: row.connected_at, reason: null }];
	const handshakes = requests.filter(
		(request) => request[McpAttribute.MethodName] === "initialize",
	);
	for (const handshake of handshakes.slice(1)) {
		events.push({ event: "resumed", at: handshake.timestamp, reason: null });
	}
	if (row.revived_at !== null) events.push({ event: "revived", at: row.revived_at, reason: null });
	if (row.disconnected_at !== null) {
		const expired = row.disconnect_reason === "timeout";
		events.push({
			event: expired ? "expired" : "terminated",
			at: row.disconnected_at,
			reason: row.disconnect_reason,
		});
	}
	return events.sort((a, b) => a.at - b.at);
}

function summaryOf(row: SessionRowRaw): SessionSummary {
	const requestCount = metadataOf(row).requestCount;
	return {
		[McpAttribute.SessionId]: row.session_id,
		status: row.status,
		clientType: row.client_type,
		clientName: row.client_name,
		clientVersion: row.client_version,
		[McpAttribute.ProtocolVersion]: row.protocol_version,
		userId: row.user_id,
		userEmail: row.user_email,
		connectedAt: row.connected_at,
		lastActivity: row.last_activity,
		disconnectedAt: row.disconnected_at,
		disconnectReason: row.disconnect_reason,
		requestCount: typeof requestCount === "number" ? requestCount : 0,
		revivalCount: row.revival_count,
	};
}

function metadataOf(row: SessionRowRaw): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(row.metadata ?? "{}");
		return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}

/** `term` with LIKE's wildcards and the escape character escaped. */
function escapeLike(term: string): string {
	return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}
