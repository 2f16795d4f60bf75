/**
 * Writes the export (docs/export-format.md) line by line from any `Query`:
 * the header, then sessions in id order, each with its request rows (up to
 * `REQUESTS_PER_LINE` on the session line, the rest on `requests` lines).
 * Memory stays bounded: one page of sessions and one page of request rows.
 * Shared by the admin API and the admin command, like `export-format.ts`.
 */
import {
	EXPORT_FORMAT,
	EXPORT_VERSION,
	type ExportedRequest,
	type ExportedSession,
	type ExportHeader,
	REQUESTS_PER_LINE,
	type RequestsLine,
	type SessionLine,
} from "./export-format.ts";
import {
	type ExportFilter,
	type Query,
	REQUEST_ROWS_PER_PAGE,
	requestsPage,
	SESSIONS_PER_PAGE,
	sessionsPage,
} from "./export-sql.ts";

/** The idle timeout assumed for a row whose metadata lacks one (the server default, seconds). */
const DEFAULT_TIMEOUT_SECONDS = 3600;

type Row = Readonly<Record<string, unknown>>;

/**
 * The export's lines (without line breaks), at `now` (epoch ms).
 *
 * @example
 * for await (const line of exportLines(query, { status: "active" }, Date.now())) write(`${line}\n`);
 */
export async function* exportLines(
	query: Query,
	filter: ExportFilter,
	now: number,
): AsyncGenerator<string> {
	const header: ExportHeader = {
		format: EXPORT_FORMAT,
		version: EXPORT_VERSION,
		exported_at: now,
		filters: { ...filter },
	};
	yield JSON.stringify(header);
	let afterId: string | null = null;
	for (;;) {
		const sessions = await query(sessionsPage(filter, afterId));
		if (sessions.length === 0) return;
		const ids = sessions.map((row) => String(row.session_id));
		const requests = peekable(requestRows(query, ids));
		for (const row of sessions) {
			const session = exportedSession(row);
			let chunk: ExportedRequest[] = [];
			let first = true;
			for (;;) {
				const next = await requests.peek();
				if (next === undefined || next.session_id !== session.session_id) break;
				await requests.take();
				chunk.push(exportedRequest(next));
				if (chunk.length === REQUESTS_PER_LINE) {
					yield JSON.stringify(
						first ? sessionLine(session, chunk, now) : requestsLine(session, chunk),
					);
					first = false;
					chunk = [];
				}
			}
			if (first) yield JSON.stringify(sessionLine(session, chunk, now));
			else if (chunk.length > 0) yield JSON.stringify(requestsLine(session, chunk));
		}
		if (sessions.length < SESSIONS_PER_PAGE) return;
		afterId = ids.at(-1) ?? null;
	}
}

function sessionLine(
	session: ExportedSession,
	requests: ExportedRequest[],
	now: number,
): SessionLine {
	return { type: "session", session, live: liveState(session, now), requests };
}

function requestsLine(session: ExportedSession, requests: ExportedRequest[]): RequestsLine {
	return { type: "requests", session_id: session.session_id, requests };
}

/**
 * What a session active at export needs to be live again: its idle timeout
 * (from the row's metadata) and the idle time left, counted from its last
 * activity as its Durable Object counts it.
 */
function liveState(session: ExportedSession, now: number): SessionLine["live"] {
	if (session.status !== "active") return null;
	const stored = session.metadata.timeoutSeconds;
	const timeoutSeconds =
		typeof stored === "number" && Number.isInteger(stored) && stored > 0
			? stored
			: DEFAULT_TIMEOUT_SECONDS;
	const expiresAt = session.last_activity + timeoutSeconds * 1000;
	return { remaining_idle_ms: Math.max(0, expiresAt - now), timeout_seconds: timeoutSeconds };
}

/** Every request row of `sessionIds`, in (session id, time, request id) order, a page at a time. */
async function* requestRows(query: Query, sessionIds: readonly string[]): AsyncGenerator<Row> {
	let after: [string, number, string] | null = null;
	for (;;) {
		const rows = await query(requestsPage(sessionIds, after));
		yield* rows;
		const last = rows.at(-1);
		if (rows.length < REQUEST_ROWS_PER_PAGE || last === undefined) return;
		after = [String(last.session_id), Number(last.timestamp), String(last.request_id)];
	}
}

/** An async iterator with one item of look-ahead. */
function peekable<T>(iterator: AsyncIterator<T>) {
	let buffered: IteratorResult<T> | undefined;
	return {
		async peek(): Promise<T | undefined> {
			buffered ??= await iterator.next();
			return buffered.done ? undefined : buffered.value;
		},
		async take(): Promise<void> {
			buffered = undefined;
		},
	};
}

function exportedSession(row: Row): ExportedSession {
	return {
		session_id: String(row.session_id),
		client_type: String(row.client_type),
		client_name: textOrNull(row.client_name),
		client_version: textOrNull(row.client_version),
		client_capabilities: parsedJson(row.client_capabilities, {}),
		protocol_version: String(row.protocol_version),
		connected_at: Number(row.connected_at),
		last_activity: Number(row.last_activity),
		disconnected_at: numberOrNull(row.disconnected_at),
		status: String(row.status) as ExportedSession["status"],
		disconnect_reason: textOrNull(row.disconnect_reason) as ExportedSession["disconnect_reason"],
		total_duration: numberOrNull(row.total_duration),
		user_id: textOrNull(row.user_id),
		user_email: textOrNull(row.user_email),
		metadata: parsedJson(row.metadata, {}) as Record<string, unknown>,
		log_level: textOrNull(row.log_level) as ExportedSession["log_level"],
		revival_count: Number(row.revival_count ?? 0),
		revived_at: numberOrNull(row.revived_at),
	};
}

function exportedRequest(row: Row): ExportedRequest {
	return {
		request_id: String(row.request_id),
		method: String(row.method),
		tool_name: textOrNull(row.tool_name),
		timestamp: Number(row.timestamp),
		duration_ms: Number(row.duration_ms),
		status: String(row.status) as ExportedRequest["status"],
		error_message: textOrNull(row.error_message),
		user_id: textOrNull(row.user_id),
		client_name: textOrNull(row.client_name),
		client_version: textOrNull(row.client_version),
		protocol_version: textOrNull(row.protocol_version),
		traceparent: textOrNull(row.traceparent),
	};
}

function textOrNull(value: unknown): string | null {
	return value === null || value === undefined ? null : String(value);
}

function numberOrNull(value: unknown): number | null {
	return value === null || value === undefined ? null : Number(value);
}

function parsedJson(value: unknown, fallback: unknown): unknown {
	if (typeof value !== "string") return fallback;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return fallback;
	}
}
