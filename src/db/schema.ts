/**
 * The D1 mirror of MCP sessions and the requests served in them. The session's
 * Durable Object is the source of truth; these tables exist for recovery,
 * metrics and admin views. SQL migrations in `migrations/` are generated from
 * this file by `npm run db:generate`, and a test checks the two agree.
 *
 * Times are Unix epoch milliseconds; `total_duration` is in seconds.
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Lifecycle status of a mirrored session. */
export type SessionStatus = "active" | "expired" | "disconnected";

/** Why a session ended. */
/**
 * Why a session ended: idle timeout, the client's DELETE, its user's credentials
 * revoked or user disabled, evicted by the per-user session limit, or ended by an admin.
 */
export type DisconnectReason =
	| "timeout"
	| "client_terminated"
	| "revoked"
	| "evicted"
	| "admin_terminated";

/** Outcome of a tracked request. */
export type RequestStatus = "success" | "error";

/**
 * The protocol era a request was served in: `legacy` (2025-03-26 to
 * 2025-11-25, in a session and its Durable Object) or `modern` (2026-07-28,
 * per request, no session).
 */
export type RequestEra = "legacy" | "modern";

/** One row per MCP session, kept current by the session's Durable Object. */
export const mcpSessions = sqliteTable(
	"archon_mcp_sessions",
	{
		sessionId: text("session_id").primaryKey(),
		clientType: text("client_type").notNull(),
		clientName: text("client_name"),
		clientVersion: text("client_version"),
		/** JSON of the client's declared capabilities. */
		clientCapabilities: text("client_capabilities"),
		protocolVersion: text("protocol_version").notNull(),
		connectedAt: integer("connected_at").notNull(),
		lastActivity: integer("last_activity").notNull(),
		disconnectedAt: integer("disconnected_at"),
		status: text("status").$type<SessionStatus>().notNull(),
		disconnectReason: text("disconnect_reason").$type<DisconnectReason>(),
		/** Seconds from connect to disconnect, set when the session ends. */
		totalDuration: real("total_duration"),
		/** The user the session belongs to; null when auth is off (loopback development). */
		userId: text("user_id"),
		userEmail: text("user_email"),
		/** JSON object of extra facts (handshake count, request count, timeout). */
		metadata: text("metadata"),
		/** The level the client set with `logging/setLevel`; restored with the handshake when the session is revived. */
		logLevel: text("log_level"),
		/** Times the session was revived after an idle expiry (README, "Revival"). */
		revivalCount: integer("revival_count").notNull().default(0),
		/** Epoch ms of the latest revival; null if never revived. */
		revivedAt: integer("revived_at"),
	},
	(table) => [
		index("idx_archon_mcp_sessions_status_activity").on(table.status, table.lastActivity),
		index("idx_archon_mcp_sessions_connected_at").on(table.connectedAt),
		index("idx_archon_mcp_sessions_user_status").on(table.userId, table.status, table.lastActivity),
	],
);

/**
 * One row per JSON-RPC request, in either era: served in a legacy session, or
 * answered by the modern lane (including the requests it refuses). The caller
 * columns are copied onto every row so metrics group by era and client
 * without a join; a legacy row takes them from its session record.
 */
export const mcpRequests = sqliteTable(
	"archon_mcp_requests",
	{
		requestId: text("request_id").primaryKey(),
		/** The legacy session the request was served in; null for a modern request, which has no session. */
		sessionId: text("session_id").references(() => mcpSessions.sessionId, {
			onDelete: "cascade",
		}),
		era: text("era").$type<RequestEra>().notNull(),
		method: text("method").notNull(),
		toolName: text("tool_name"),
		timestamp: integer("timestamp").notNull(),
		durationMs: real("duration_ms").notNull(),
		status: text("status").$type<RequestStatus>().notNull(),
		errorMessage: text("error_message"),
		/** The verified user; null when auth is off (loopback development). */
		userId: text("user_id"),
		/** `clientInfo` of the session's `initialize` (legacy) or of the request's `_meta` (modern). */
		clientName: text("client_name"),
		clientVersion: text("client_version"),
		/** The revision the request was served at (the session's, or the request's own). */
		protocolVersion: text("protocol_version"),
	},
	(table) => [
		index("idx_archon_mcp_requests_session_time").on(table.sessionId, table.timestamp),
		index("idx_archon_mcp_requests_method_time").on(table.method, table.timestamp),
		index("idx_archon_mcp_requests_era_client_time").on(
			table.era,
			table.clientName,
			table.timestamp,
		),
		index("idx_archon_mcp_requests_user_time").on(table.userId, table.timestamp),
		// The retention sweep's range (src/retention/); also serves time-range metrics. Migration
		// 0004 creates it IF NOT EXISTS: the metrics migration creates the same index.
		index("idx_archon_mcp_requests_time_era_status").on(table.timestamp, table.era, table.status),
	],
);
