/**
 * `sessions export` and `sessions import`: backup and restore of sessions and
 * their request rows in the versioned format of docs/export-format.md. On D1
 * directly (local, `--persist-to` or `--remote`), or with `--url` through a
 * running server's admin API, which also makes sessions that were live at
 * export live again in their Durable Objects.
 */

import type { ExportFilter, Query, Statement } from "../../src/export/export-sql.ts";
import { ndjsonLines } from "../../src/export/ndjson-lines.ts";
import { exportLines } from "../../src/export/session-export.ts";
import {
	type ImportSummary,
	type ImportTarget,
	importLines,
	type LineReport,
} from "../../src/export/session-import.ts";
import { commandUsage } from "./args.ts";
import {
	type AdminCommand,
	type AdminContext,
	GLOBAL_FLAGS,
	requiredFlag,
	serverAccess,
} from "./command-types.ts";
import { failure } from "./errors.ts";
import { type Check, checkBearerToken, checkServerUrl } from "./inputs.ts";
import type { ServerAccess } from "./server-api.ts";
import { quote, Sql } from "./sql.ts";

/** Longest the server may take to start answering an export or import (60 seconds). */
const SERVER_TIMEOUT_MS = 60_000;

/** Errors listed one per line before the rest are only counted. */
const MAX_LISTED_ERRORS = 50;

const checkTime: Check = (value) =>
	Number.isSafeInteger(parseTime(value))
		? undefined
		: "must be an ISO 8601 time or epoch milliseconds";

const SERVER = {
	url: {
		value: "URL",
		description: "base URL of a running server: go through its admin API instead of D1",
		check: checkServerUrl,
	},
	"admin-token": {
		value: "T",
		description: "an admin's API token for --url (prefer env ARCHON_ADMIN_TOKEN)",
		check: checkBearerToken,
	},
} as const;

/** `sessions export`: the export on standard output. */
export const sessionsExport: AdminCommand = {
	spec: {
		name: "sessions export",
		summary: "Export sessions and their request rows as NDJSON (docs/export-format.md)",
		flags: {
			since: {
				value: "T",
				description: "sessions with activity at or after T (ISO time or epoch ms)",
				check: checkTime,
			},
			until: { value: "T", description: "sessions connected before T", check: checkTime },
			user: { value: "E|ID", description: "one user's sessions, by email or user id" },
			status: {
				value: "S",
				description: "active, expired or disconnected",
				check: (value) =>
					["active", "expired", "disconnected"].includes(value)
						? undefined
						: "must be active, expired or disconnected",
			},
			...SERVER,
		},
		example: "npm run --silent admin -- sessions export --since 2026-07-01 > sessions.ndjson",
	},
	async run(flags, context) {
		const filter = exportFilter(flags);
		const access = serverAccess(flags, context, commandUsage(sessionsExport.spec, GLOBAL_FLAGS));
		const lines = access
			? serverExport(context, access, filter)
			: exportLines(d1Query(context), filter, context.now());
		for await (const line of lines) context.write(`${line}\n`);
		return { json: null, text: [], streamed: true };
	},
};

/** `sessions import FILE`: validates and imports an export. */
export const sessionsImport: AdminCommand = {
	spec: {
		name: "sessions import",
		summary: "Import an export; bad lines are reported by number, existing ids skipped",
		operand: { name: "file", description: "the NDJSON file written by sessions export" },
		flags: { ...SERVER },
		example: "npm run admin -- sessions import sessions.ndjson --url https://archon.example.com",
	},
	async run(flags, context) {
		const file = requiredFlag(flags, "file");
		const access = serverAccess(flags, context, commandUsage(sessionsImport.spec, GLOBAL_FLAGS));
		const { reports, summary } = access
			? await serverImport(context, access, file)
			: await collect(
					importLines(d1Target(context), ndjsonLines(context.openFile(file)), context.now()),
				);
		const refused = reports.filter((report) => !report.ok);
		const text = [
			...refused
				.slice(0, MAX_LISTED_ERRORS)
				.map((report) => `line ${report.line}: ${report.ok ? "" : report.error}`),
			...(refused.length > MAX_LISTED_ERRORS
				? [`... and ${refused.length - MAX_LISTED_ERRORS} more refused lines`]
				: []),
			`Sessions: ${summary.sessions.imported} imported, ${summary.sessions.skipped} skipped (their ids exist). Request rows: ${summary.requests.imported} imported, ${summary.requests.skipped} skipped.`,
			...(summary.restored > 0 ? [`${summary.restored} live session(s) are live again.`] : []),
			...(summary.needServer > 0
				? [
						`${summary.needServer} session(s) were live at export: their rows are in D1, but only a running server can make them live again. Run this again with --url (rows already imported are skipped).`,
					]
				: []),
		];
		if (summary.errors > 0) {
			throw failure(
				`${summary.errors} line(s) refused; every other line was imported.\n${text.join("\n")}`,
			);
		}
		return { json: { summary, reports }, text };
	},
};

function exportFilter(flags: ReadonlyMap<string, string>): ExportFilter {
	const since = flags.get("since");
	const until = flags.get("until");
	const user = flags.get("user");
	const status = flags.get("status") as ExportFilter["status"];
	return {
		...(since === undefined ? {} : { since: parseTime(since) }),
		...(until === undefined ? {} : { until: parseTime(until) }),
		...(user === undefined ? {} : { user }),
		...(status === undefined ? {} : { status }),
	};
}

function parseTime(value: string): number {
	return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** A `Query` through `wrangler d1 execute`. */
function d1Query(context: AdminContext): Query {
	return (statement) => context.d1(inline([statement]));
}

/** The import target on D1: one line's statements in one `wrangler d1 execute`, which runs them as one batch. */
function d1Target(context: AdminContext): ImportTarget {
	return { query: d1Query(context), apply: (statements) => context.d1(inline(statements)) };
}

/**
 * Statements with their values written in as SQL literals (`wrangler d1
 * execute` binds none): text, integers and NULL through `quote`, and the few
 * fractional numbers (durations) as plain decimal literals.
 */
function inline(statements: readonly Statement[]): Sql {
	const text = statements
		.map((statement) => {
			let index = 0;
			return statement.sql.replace(/\?/g, () => {
				const value = statement.params[index++] ?? null;
				if (typeof value === "number" && !Number.isSafeInteger(value)) {
					if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
					return String(value);
				}
				return quote(value);
			});
		})
		.join(";\n");
	// Every value above went through `quote` or is a finite number's own digits.
	return Sql.fromTrustedText(text);
}

async function* serverExport(
	context: AdminContext,
	access: ServerAccess,
	filter: ExportFilter,
): AsyncGenerator<string> {
	const query = new URLSearchParams(
		Object.entries(filter).map(([name, value]) => [name, String(value)]),
	);
	const url = `${access.baseUrl.replace(/\/+$/, "")}/api/sessions/export?${query}`;
	const response = await call(context, url, {
		headers: { Authorization: `Bearer ${access.adminToken}` },
	});
	yield* ndjsonLines(body(response, url));
}

async function serverImport(
	context: AdminContext,
	access: ServerAccess,
	file: string,
): Promise<{ reports: LineReport[]; summary: ImportSummary }> {
	const url = `${access.baseUrl.replace(/\/+$/, "")}/api/sessions/import`;
	const response = await call(context, url, {
		method: "POST",
		headers: {
			Authorization: `Bearer ${access.adminToken}`,
			"Content-Type": "application/x-ndjson",
		},
		body: streamOf(context.openFile(file)),
		// A streamed request body (Node's fetch needs it said).
		duplex: "half",
	} as RequestInit);
	const reports: LineReport[] = [];
	let summary: ImportSummary | undefined;
	for await (const line of ndjsonLines(body(response, url))) {
		const parsed = JSON.parse(line) as LineReport | { summary: ImportSummary };
		if ("summary" in parsed) summary = parsed.summary;
		else reports.push(parsed);
	}
	if (!summary)
		throw failure(`${url} stopped before its summary: the import may be incomplete; run it again`);
	return { reports, summary };
}

async function call(context: AdminContext, url: string, init: RequestInit): Promise<Response> {
	let response: Response;
	try {
		response = await context.fetch(url, {
			...init,
			signal: AbortSignal.timeout(SERVER_TIMEOUT_MS),
		});
	} catch (error) {
		throw failure(
			`could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
	if (!response.ok)
		throw failure(`${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
	return response;
}

function body(response: Response, url: string): AsyncIterable<Uint8Array> {
	if (!response.body) throw failure(`${url} answered without a body`);
	return response.body;
}

async function collect(
	reports: AsyncGenerator<LineReport, ImportSummary>,
): Promise<{ reports: LineReport[]; summary: ImportSummary }> {
	const all: LineReport[] = [];
	for (;;) {
		const next = await reports.next();
		if (next.done) return { reports: all, summary: next.value };
		all.push(next.value);
	}
}

function streamOf(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
	const iterator = chunks[Symbol.asyncIterator]();
	return new ReadableStream({
		async pull(controller) {
			const next = await iterator.next();
			if (next.done) controller.close();
			else controller.enqueue(next.value);
		},
	});
}
