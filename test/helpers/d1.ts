/**
 * Reads of the D1 mirror for assertions.
 */
import { env } from "cloudflare:workers";

/** A row of `archon_mcp_sessions` as D1 returns it. */
export interface SessionRowRaw {
	session_id: string;
	client_type: string;
	client_name: string | null;
	client_version: string | null;
	client_capabilities: string | null;
	protocol_version: string;
	connected_at: number;
	last_activity: number;
	disconnected_at: number | null;
	status: string;
	disconnect_reason: string | null;
	total_duration: number | null;
	user_id: string | null;
	metadata: string | null;
	log_level: string | null;
	revival_count: number;
	revived_at: number | null;
}

/** A row of `archon_mcp_requests` as D1 returns it. */
export interface RequestRowRaw {
	request_id: string;
	session_id: string | null;
	era: "legacy" | "modern";
	method: string;
	tool_name: string | null;
	timestamp: number;
	duration_ms: number;
	status: string;
	error_message: string | null;
	user_id: string | null;
	client_name: string | null;
	client_version: string | null;
	protocol_version: string | null;
}

/** The session's D1 row, or null. */
export function sessionRow(sessionId: string): Promise<SessionRowRaw | null> {
	return env.DB.prepare("SELECT * FROM archon_mcp_sessions WHERE session_id = ?")
		.bind(sessionId)
		.first<SessionRowRaw>();
}

/** The session's request rows, oldest first. */
export function requestRows(sessionId: string): Promise<RequestRowRaw[]> {
	return requestRowsWhere("session_id = ?", sessionId);
}

/** The modern lane's request rows of the client named `clientName`, oldest first. */
export function modernRows(clientName: string): Promise<RequestRowRaw[]> {
	return requestRowsWhere("era = 'modern' AND client_name = ?", clientName);
}

/** Request rows matching `condition` (one `?` bound to `value`), oldest first. */
export async function requestRowsWhere(condition: string, value: string): Promise<RequestRowRaw[]> {
	const { results } = await env.DB.prepare(
		`SELECT * FROM archon_mcp_requests WHERE ${condition} ORDER BY timestamp, rowid`,
	)
		.bind(value)
		.all<RequestRowRaw>();
	return results;
}

/** Simulates a D1 outage for one table by renaming it away. */
export async function takeD1Offline(table: string): Promise<void> {
	await env.DB.exec(`ALTER TABLE ${table} RENAME TO ${table}_offline`);
}

/** Ends the outage of `takeD1Offline`. */
export async function bringD1Online(table: string): Promise<void> {
	await env.DB.exec(`ALTER TABLE ${table}_offline RENAME TO ${table}`);
}
