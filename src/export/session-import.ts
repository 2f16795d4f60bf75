/**
 * Imports an export (docs/export-format.md) line by line into any D1, shared
 * by the admin API and the admin command. Every line is validated first; a bad
 * line is reported by its number and nothing of it is written. A good line is
 * written in one atomic step. Session ids and request ids that exist are left
 * alone and counted as skipped, so importing twice changes nothing. Where the
 * target can (the admin API), a session that was live at export is made live
 * again in its Durable Object with the idle time it had left.
 */
import {
	type DataLine,
	ExportLineError,
	parseDataLine,
	parseHeader,
	type SessionLine,
} from "./export-format.ts";
import {
	insertRequests,
	insertSession,
	type Query,
	type Statement,
	sessionState,
} from "./export-sql.ts";

/** What a session was live with, for its Durable Object: the row and when it expires. */
export interface LiveSession {
	readonly line: SessionLine;
	/** Epoch ms at which the restored session expires unless a request comes. */
	readonly expiresAt: number;
}

/** Where an import writes. */
export interface ImportTarget {
	/** Reads. */
	readonly query: Query;
	/** Runs `statements` as one atomic step and returns the rows of the last one. */
	readonly apply: (
		statements: readonly Statement[],
	) => Promise<ReadonlyArray<Record<string, unknown>>>;
	/**
	 * Recreates a live session's Durable Object; resolves false when it holds
	 * the session already. Absent where there is no server (the admin command on D1).
	 */
	readonly restore?: (session: LiveSession) => Promise<boolean>;
}

/** What happened to a live session's Durable Object. */
export type LiveOutcome = "restored" | "already-live" | "needs-server" | "idle-time-used-up";

/** The report of one line. */
export type LineReport =
	| {
			readonly line: number;
			readonly ok: true;
			readonly sessionId: string;
			/** The session row: written, or left alone because its id exists; null on a `requests` line. */
			readonly session: "imported" | "skipped" | null;
			readonly requests: { readonly imported: number; readonly skipped: number };
			readonly live: LiveOutcome | null;
	  }
	| { readonly line: number; readonly ok: false; readonly error: string };

/** Totals of an import. */
export interface ImportSummary {
	/** Lines read, blank ones aside, the header included. */
	lines: number;
	readonly sessions: { imported: number; skipped: number };
	readonly requests: { imported: number; skipped: number };
	/** Live sessions made live again in their Durable Object. */
	restored: number;
	/** Live sessions written to D1 that only a running server can make live (the admin command on D1). */
	needServer: number;
	/** Lines refused. */
	errors: number;
}

/**
 * Imports `lines` (without line breaks; line 1 is the header) into `target`,
 * reporting each data line, then the totals. Blank lines are ignored.
 *
 * @example
 * for await (const report of importLines(target, lines, Date.now())) console.log(report);
 */
export async function* importLines(
	target: ImportTarget,
	lines: AsyncIterable<string>,
	now: number,
): AsyncGenerator<LineReport, ImportSummary> {
	const summary: ImportSummary = {
		lines: 0,
		sessions: { imported: 0, skipped: 0 },
		requests: { imported: 0, skipped: 0 },
		restored: 0,
		needServer: 0,
		errors: 0,
	};
	let number = 0;
	let headerSeen = false;
	for await (const raw of lines) {
		number += 1;
		const text = raw.trim();
		if (text === "") continue;
		summary.lines += 1;
		let report: LineReport;
		try {
			if (!headerSeen) {
				headerSeen = true;
				parseHeader(text);
				continue;
			}
			report = await importLine(target, parseDataLine(text), number, now);
		} catch (error) {
			if (!(error instanceof ExportLineError)) throw error;
			report = { line: number, ok: false, error: error.message };
		}
		tally(summary, report);
		yield report;
	}
	if (!headerSeen) {
		summary.errors += 1;
		yield { line: 1, ok: false, error: "the file is empty: it has no header line" };
	}
	return summary;
}

async function importLine(
	target: ImportTarget,
	line: DataLine,
	number: number,
	now: number,
): Promise<LineReport> {
	const sessionId = line.type === "session" ? line.session.session_id : line.session_id;
	const [before] = await target.query(sessionState(sessionId));
	const existed = Number(before?.sessions ?? 0) > 0;
	if (line.type === "requests" && !existed) {
		throw new ExportLineError(
			`session ${sessionId} is not in the database: its session line is missing or was refused`,
		);
	}
	const session = line.type === "session" ? asImported(line, now) : undefined;
	const statements = [
		...(session && !existed ? [insertSession(session.line.session)] : []),
		...insertRequests(sessionId, line.requests),
		sessionState(sessionId),
	];
	const [after] = await target.apply(statements);
	const imported = Number(after?.requests ?? 0) - Number(before?.requests ?? 0);
	return {
		line: number,
		ok: true,
		sessionId,
		session: line.type === "requests" ? null : existed ? "skipped" : "imported",
		requests: { imported, skipped: line.requests.length - imported },
		live: session?.live ? await restoreLive(target, session.live) : null,
	};
}

/**
 * The line as it is written: a session live at export whose idle time ran
 * out is written as expired at the moment it would have expired, since it
 * can no longer be live.
 */
function asImported(line: SessionLine, now: number): { line: SessionLine; live?: LiveSession } {
	if (line.live === null) return { line };
	if (line.live.remaining_idle_ms > 0) {
		return { line, live: { line, expiresAt: now + line.live.remaining_idle_ms } };
	}
	const endedAt = line.session.last_activity + line.live.timeout_seconds * 1000;
	const expired: SessionLine = {
		...line,
		live: null,
		session: {
			...line.session,
			status: "expired",
			disconnect_reason: "timeout",
			disconnected_at: endedAt,
			total_duration: (endedAt - line.session.connected_at) / 1000,
		},
	};
	return { line: expired };
}

async function restoreLive(target: ImportTarget, live: LiveSession): Promise<LiveOutcome> {
	if (!target.restore) return "needs-server";
	try {
		return (await target.restore(live)) ? "restored" : "already-live";
	} catch {
		// The rows are in D1 and restoring is idempotent: running the import again finishes it.
		throw new ExportLineError(
			"the rows were written, but the session's Durable Object could not be recreated; import the file again",
		);
	}
}

function tally(summary: ImportSummary, report: LineReport): void {
	if (!report.ok) {
		summary.errors += 1;
		return;
	}
	if (report.session) summary.sessions[report.session] += 1;
	summary.requests.imported += report.requests.imported;
	summary.requests.skipped += report.requests.skipped;
	if (report.live === "restored") summary.restored += 1;
	if (report.live === "needs-server") summary.needServer += 1;
}
