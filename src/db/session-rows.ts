/**
 * Queries on `archon_mcp_sessions`. Every function takes the database first.
 */
import { and, asc, count, desc, eq, type SQL, sql } from "drizzle-orm";
import type { SessionRecord } from "../session/session-record";
import type { Database } from "./database";
import { mcpRequests, mcpSessions, type SessionStatus } from "./schema";

/**
 * The statement that makes the D1 row match a session record. A row that has
 * already ended is never brought back to `active` by a late mirror write.
 */
export function upsertSessionRow(db: Database, record: SessionRecord) {
	const row = toSessionRow(record);
	const { sessionId: _id, connectedAt: _connected, ...changes } = row;
	return db
		.insert(mcpSessions)
		.values(row)
		.onConflictDoUpdate({
			target: mcpSessions.sessionId,
			set: changes,
			setWhere: sql`${mcpSessions.status} = 'active'`,
		});
}

/** Number of sessions whose row is `active`. */
export async function countActiveSessions(db: Database): Promise<number> {
	const [row] = await db
		.select({ value: count() })
		.from(mcpSessions)
		.where(eq(mcpSessions.status, "active"));
	return row?.value ?? 0;
}

/** The user's live sessions (by their mirror rows), least recently active first; bounded by `limit`. */
export async function activeSessionsOfUser(db: Database, userId: string, limit: number) {
	return db
		.select({ sessionId: mcpSessions.sessionId, lastActivity: mcpSessions.lastActivity })
		.from(mcpSessions)
		.where(and(eq(mcpSessions.userId, userId), eq(mcpSessions.status, "active")))
		.orderBy(asc(mcpSessions.lastActivity))
		.limit(limit);
}

/** One session row, or undefined. */
export async function findSessionRow(db: Database, sessionId: string) {
	return db.query.mcpSessions.findFirst({ where: eq(mcpSessions.sessionId, sessionId) });
}

function toSessionRow(record: SessionRecord): typeof mcpSessions.$inferInsert {
	return {
		sessionId: record.id,
		clientType: record.clientType,
		clientName: record.clientName,
		clientVersion: record.clientVersion,
		clientCapabilities: JSON.stringify(record.clientCapabilities ?? {}),
		protocolVersion: record.protocolVersion,
		connectedAt: record.connectedAt,
		lastActivity: record.lastActivity,
		disconnectedAt: record.endedAt,
		status: record.status,
		disconnectReason: record.disconnectReason,
		totalDuration: record.endedAt === null ? null : (record.endedAt - record.connectedAt) / 1000,
		userId: record.userId,
		userEmail: record.userEmail,
		metadata: JSON.stringify({
			handshakeCount: record.handshakeCount,
			requestCount: record.requestCount,
			timeoutSeconds: record.timeoutSeconds,
		}),
	};
}

/** Filters of a session listing; all optional. */
export interface SessionFilter {
	readonly userId?: string;
	readonly status?: SessionStatus;
	readonly clientType?: string;
}

/** A page of session rows, most recently active first. */
export async function listSessions(
	db: Database,
	filter: SessionFilter,
	page: { limit: number; offset: number },
) {
	const conditions: SQL[] = [];
	if (filter.userId !== undefined) conditions.push(eq(mcpSessions.userId, filter.userId));
	if (filter.status !== undefined) conditions.push(eq(mcpSessions.status, filter.status));
	if (filter.clientType !== undefined)
		conditions.push(eq(mcpSessions.clientType, filter.clientType));
	return db
		.select()
		.from(mcpSessions)
		.where(conditions.length > 0 ? and(...conditions) : undefined)
		.orderBy(desc(mcpSessions.lastActivity))
		.limit(page.limit)
		.offset(page.offset);
}

/** The latest requests of a session, newest first. */
export async function latestRequests(db: Database, sessionId: string, limit: number) {
	return db
		.select()
		.from(mcpRequests)
		.where(eq(mcpRequests.sessionId, sessionId))
		.orderBy(desc(mcpRequests.timestamp))
		.limit(limit);
}
