/**
 * Export and import as the Worker runs them: statements on the `DB` binding
 * (reads one by one, each line's writes in one D1 batch, which D1 runs as a
 * transaction), and live sessions recreated in their Durable Objects.
 */
import type { SessionRecord } from "../session/session-record";
import { type SessionNamespace, sessionStub } from "../session/session-routing";
import type { Query, Statement } from "./export-sql";
import type { ImportTarget, LiveSession } from "./session-import";

/** A `Query` on a D1 database. */
export function d1Query(db: D1Database): Query {
	return async (statement) => (await prepare(db, statement).all<Record<string, unknown>>()).results;
}

/** An import target on the Worker's D1 and session objects. */
export function workerImportTarget(db: D1Database, sessions: SessionNamespace): ImportTarget {
	return {
		query: d1Query(db),
		apply: async (statements) => {
			const results = await db.batch<Record<string, unknown>>(
				statements.map((statement) => prepare(db, statement)),
			);
			return results.at(-1)?.results ?? [];
		},
		restore: (live) => {
			const record = restoredRecord(live);
			return sessionStub(sessions, record.id).restore(record);
		},
	};
}

/**
 * The Durable Object record of a session live at export: its row's handshake
 * and owner, counts from its metadata, and the idle time it had left.
 */
export function restoredRecord(live: LiveSession): SessionRecord {
	const { session } = live.line;
	const metadata = session.metadata;
	return {
		id: session.session_id,
		status: "active",
		clientType: session.client_type,
		clientName: session.client_name,
		clientVersion: session.client_version,
		clientCapabilities: session.client_capabilities ?? {},
		protocolVersion: session.protocol_version,
		connectedAt: session.connected_at,
		lastActivity: session.last_activity,
		expiresAt: live.expiresAt,
		timeoutSeconds:
			live.line.live?.timeout_seconds ?? Math.ceil((live.expiresAt - session.last_activity) / 1000),
		requestCount: count(metadata.requestCount, 0),
		handshakeCount: count(metadata.handshakeCount, 1),
		endedAt: null,
		disconnectReason: null,
		userId: session.user_id,
		userEmail: session.user_email,
		...(session.log_level === null ? {} : { logLevel: session.log_level }),
		revivalCount: session.revival_count,
		revivedAt: session.revived_at,
	};
}

function prepare(db: D1Database, statement: Statement): D1PreparedStatement {
	return db.prepare(statement.sql).bind(...statement.params);
}

function count(value: unknown, fallback: number): number {
	return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}
