/**
 * A small, hand-made history written straight into D1, in a time window of
 * its own, so the metrics API can be checked against values computed by hand
 * (docs/metrics.md says how each is defined).
 */
import { env } from "cloudflare:workers";

/** One minute, in ms. */
export const MINUTE = 60_000;

/** A session row to write; times are minutes after the fixture's start (may be negative). */
export interface FixtureSession {
	readonly id: string;
	readonly userId: string | null;
	readonly email: string | null;
	readonly clientName: string;
	readonly clientType: string;
	readonly connectedMin: number;
	readonly lastActivityMin: number;
	readonly ended?: { readonly min: number; readonly reason: string };
	readonly metadata?: Record<string, unknown>;
	/** Minute of the latest revival, if the session was revived once. */
	readonly revivedMin?: number;
}

/** A request row to write; `atMs` is milliseconds after the fixture's start. */
export interface FixtureRequest {
	readonly sessionId: string | null;
	readonly era: "legacy" | "modern";
	readonly method: string;
	readonly tool?: string;
	readonly atMs: number;
	readonly durationMs: number;
	readonly error?: string;
	readonly userId: string | null;
	readonly clientName: string;
	readonly clientVersion?: string;
	readonly traceparent?: string;
}

/** Writes sessions and requests relative to `start` (epoch ms). */
export async function writeHistory(
	start: number,
	sessions: readonly FixtureSession[],
	requests: readonly FixtureRequest[],
): Promise<void> {
	const statements = sessions.map((s) =>
		env.DB.prepare(
			`INSERT INTO archon_mcp_sessions (session_id, client_type, client_name, client_version,
				client_capabilities, protocol_version, connected_at, last_activity, disconnected_at, status,
				disconnect_reason, total_duration, user_id, user_email, metadata, revival_count, revived_at)
			VALUES (?, ?, ?, '1.0.0', '{}', '2025-11-25', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
		).bind(
			s.id,
			s.clientType,
			s.clientName,
			start + s.connectedMin * MINUTE,
			start + s.lastActivityMin * MINUTE,
			s.ended ? start + s.ended.min * MINUTE : null,
			s.ended ? (s.ended.reason === "timeout" ? "expired" : "disconnected") : "active",
			s.ended?.reason ?? null,
			s.userId,
			s.email,
			JSON.stringify({ handshakeCount: 1, requestCount: 0, timeoutSeconds: 600, ...s.metadata }),
			s.revivedMin === undefined ? 0 : 1,
			s.revivedMin === undefined ? null : start + s.revivedMin * MINUTE,
		),
	);
	for (const r of requests) {
		statements.push(
			env.DB.prepare(
				`INSERT INTO archon_mcp_requests (request_id, session_id, era, method, tool_name, timestamp,
					duration_ms, status, error_message, user_id, client_name, client_version, protocol_version,
					traceparent)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			).bind(
				crypto.randomUUID(),
				r.sessionId,
				r.era,
				r.method,
				r.tool ?? null,
				start + r.atMs,
				r.durationMs,
				r.error === undefined ? "success" : "error",
				r.error ?? null,
				r.userId,
				r.clientName,
				r.clientVersion ?? "1.0.0",
				r.era === "modern" ? "2026-07-28" : "2025-11-25",
				r.traceparent ?? null,
			),
		);
	}
	await env.DB.batch(statements);
}

/** A fresh 32-character session id. */
export function fixtureSessionId(): string {
	return crypto.randomUUID().replaceAll("-", "");
}
