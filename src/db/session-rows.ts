/**
 * Queries on `archon_mcp_sessions`. Every function takes the database first.
 */
import type { LoggingLevel } from "@modelcontextprotocol/server";
import { and, count, desc, eq, getTableName, type SQL } from "drizzle-orm";
import type { EndedSession, SessionRecord } from "../session/session-record";
import type { Database } from "./database";
import { preparedInsert, quoted } from "./prepared-insert";
import { mcpRequests, mcpSessions, type SessionStatus } from "./schema";

/**
 * The upsert of a session row, derived from the Drizzle table: every column
 * but the id and `connected_at` takes the new value, unless the row has ended.
 */
const upsertSessions = preparedInsert<typeof mcpSessions.$inferInsert>(mcpSessions, (columns) => {
	const kept = new Set(["sessionId", "connectedAt"]);
	const set = [...columns]
		.filter(([key]) => !kept.has(key))
		.map(([, name]) => `${name} = excluded.${name}`);
	const table = quoted(getTableName(mcpSessions));
	return `ON CONFLICT (${columns.get("sessionId")}) DO UPDATE SET ${set.join(", ")} WHERE ${table}.${columns.get("status")} = 'active'`;
});

/**
 * The statement that makes the D1 row match a session record (a prepared D1
 * statement: it runs after every request). A row that has already ended is
 * never brought back to `active` by a late mirror write.
 */
export function upsertSessionRow(d1: D1Database, record: SessionRecord): D1PreparedStatement {
	return d1.prepare(upsertSessions.sql(1)).bind(...upsertSessions.params([toSessionRow(record)]));
}

/** Number of sessions whose row is `active`. */
export async function countActiveSessions(db: Database): Promise<number> {
	const [row] = await db
		.select({ value: count() })
		.from(mcpSessions)
		.where(eq(mcpSessions.status, "active"));
	return row?.value ?? 0;
}

/**
 * Makes a session's row `active` again from the record of its revival, only
 * if the row is still the one of its idle expiry at `endedAt` (epoch ms).
 * True when it did; false when the row changed meanwhile.
 */
export async function reviveSessionRow(
	db: Database,
	record: SessionRecord,
	endedAt: number,
): Promise<boolean> {
	const { sessionId: _id, connectedAt: _connected, ...changes } = toSessionRow(record);
	const revived = await db
		.update(mcpSessions)
		.set(changes)
		.where(and(eq(mcpSessions.sessionId, record.id), idleExpiredAt(endedAt)))
		.returning({ sessionId: mcpSessions.sessionId });
	return revived.length === 1;
}

/**
 * Ends an idle-expired session for good at its client's request (DELETE), so
 * it is never revived: the row of its idle expiry at `endedAt` becomes
 * `disconnected` by the client, keeping when it ended. True when it did.
 */
export async function terminateDormantSessionRow(
	db: Database,
	sessionId: string,
	endedAt: number,
): Promise<boolean> {
	const ended = await db
		.update(mcpSessions)
		.set({ status: "disconnected", disconnectReason: "client_terminated" })
		.where(and(eq(mcpSessions.sessionId, sessionId), idleExpiredAt(endedAt)))
		.returning({ sessionId: mcpSessions.sessionId });
	return ended.length === 1;
}

/** A session's row as an ended session (its handshake, history and how it ended), or undefined. */
export async function findEndedSession(
	db: Database,
	sessionId: string,
): Promise<EndedSession | undefined> {
	const row = await findSessionRow(db, sessionId);
	if (!row) return undefined;
	const metadata = parseJson(row.metadata) as Partial<
		Record<"requestCount" | "handshakeCount", number>
	>;
	return {
		id: row.sessionId,
		status: row.status,
		disconnectReason: row.disconnectReason,
		endedAt: row.disconnectedAt,
		handshake: {
			clientName: row.clientName,
			clientVersion: row.clientVersion,
			clientCapabilities: parseJson(row.clientCapabilities),
			protocolVersion: row.protocolVersion,
		},
		logLevel: row.logLevel as LoggingLevel | null,
		connectedAt: row.connectedAt,
		requestCount: metadata.requestCount ?? 0,
		handshakeCount: metadata.handshakeCount ?? 1,
		revivalCount: row.revivalCount,
		userId: row.userId,
		userEmail: row.userEmail,
	};
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
		logLevel: record.logLevel ?? null,
		revivalCount: record.revivalCount ?? 0,
		revivedAt: record.revivedAt ?? null,
	};
}

/** The condition that a row is still the one of an idle expiry at `endedAt`. */
function idleExpiredAt(endedAt: number): SQL | undefined {
	return and(
		eq(mcpSessions.status, "expired"),
		eq(mcpSessions.disconnectReason, "timeout"),
		eq(mcpSessions.disconnectedAt, endedAt),
	);
}

/** A JSON column's value; an object when the column is empty or not JSON. */
function parseJson(text: string | null): unknown {
	try {
		return text === null ? {} : JSON.parse(text);
	} catch {
		return {};
	}
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
