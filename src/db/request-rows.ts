/**
 * Queries on `archon_mcp_requests`, the request log of both eras. Every
 * function takes the database first.
 */
import { avg, count, desc, gte, sql } from "drizzle-orm";
import type { RequestRecord, SessionRecord } from "../session/session-record";
import type { Database } from "./database";
import { preparedInsert } from "./prepared-insert";
import { mcpRequests, mcpSessions } from "./schema";

/** A row of the request log as written. */
export type RequestRow = typeof mcpRequests.$inferInsert;

/** The row of a request served in a legacy session: the caller columns come from its session record. */
export function legacyRequestRow(record: RequestRecord, session: SessionRecord): RequestRow {
	return {
		...record,
		era: "legacy",
		userId: session.userId,
		clientName: session.clientName,
		clientVersion: session.clientVersion,
		protocolVersion: session.protocolVersion,
	};
}

/** The INSERT of request rows, derived from the Drizzle table; a row already present is left alone. */
const insertRequests = preparedInsert<RequestRow>(mcpRequests, () => "ON CONFLICT DO NOTHING");

/** D1 binds at most 100 parameters per statement; a request row binds one per column. */
const ROWS_PER_STATEMENT = Math.floor(100 / insertRequests.keys.length);

/**
 * Statements inserting request rows, chunked under D1's parameter limit
 * (prepared D1 statements: no Drizzle query building on this hot path).
 * A row already present is left alone, so a retried write is harmless.
 */
export function insertRequestRows(
	d1: D1Database,
	rows: readonly RequestRow[],
): D1PreparedStatement[] {
	const statements = [];
	for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
		const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
		statements.push(
			d1.prepare(insertRequests.sql(chunk.length)).bind(...insertRequests.params(chunk)),
		);
	}
	return statements;
}

/**
 * Inserts the row of a legacy request that finished after its session was
 * erased: the session's final D1 row is all that is left of it, so the caller
 * columns are read from there in the same statement.
 */
export async function insertLateLegacyRow(db: Database, record: RequestRecord): Promise<void> {
	const r = record;
	const s = mcpSessions;
	await db.run(sql`INSERT INTO ${mcpRequests} (
			request_id, session_id, era, method, tool_name, timestamp, duration_ms, status,
			error_message, user_id, client_name, client_version, protocol_version, traceparent)
		SELECT ${r.requestId}, ${s.sessionId}, 'legacy', ${r.method}, ${r.toolName}, ${r.timestamp},
			${r.durationMs}, ${r.status}, ${r.errorMessage}, ${s.userId}, ${s.clientName},
			${s.clientVersion}, ${s.protocolVersion}, ${r.traceparent ?? null}
		FROM ${s} WHERE ${s.sessionId} = ${r.sessionId}
		ON CONFLICT DO NOTHING`);
}

/** One group of the request metrics: an era and a client, and how its requests went. */
export interface RequestMetric {
	readonly era: string;
	readonly clientName: string | null;
	readonly requests: number;
	readonly errors: number;
	/** Mean duration in milliseconds. */
	readonly meanDurationMs: number | null;
}

/**
 * Requests since `since` (epoch ms) grouped by era and client name, busiest
 * first; served by the `(era, client_name, timestamp)` index.
 */
export async function requestMetrics(db: Database, since: number): Promise<RequestMetric[]> {
	const rows = await db
		.select({
			era: mcpRequests.era,
			clientName: mcpRequests.clientName,
			requests: count(),
			errors: sql<number>`sum(${mcpRequests.status} = 'error')`,
			meanDurationMs: avg(mcpRequests.durationMs),
		})
		.from(mcpRequests)
		.where(gte(mcpRequests.timestamp, since))
		.groupBy(mcpRequests.era, mcpRequests.clientName)
		.orderBy(desc(count()));
	return rows.map((row) => ({
		...row,
		errors: Number(row.errors ?? 0),
		meanDurationMs: row.meanDurationMs === null ? null : Number(row.meanDurationMs),
	}));
}
