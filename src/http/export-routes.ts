/**
 * Session export and import over HTTP, for admins (docs/export-format.md):
 *
 * - `GET /api/sessions/export?since=&until=&user=&status=` streams the export
 *   as NDJSON;
 * - `POST /api/sessions/import` reads an export streamed in the body
 *   (`Content-Type: application/x-ndjson`) and streams back one NDJSON report
 *   per line, then `{"summary": ...}`. Sessions live at export become live
 *   again in their Durable Objects.
 *
 * `npm run admin -- sessions export|import --url ...` calls these.
 */
import { Hono } from "hono";
import { requireAdmin, requireViewer, type ViewerEnv } from "../dashboard/viewer";
import { JsonRpcCode, McpHttpError } from "../errors";
import type { ExportFilter } from "../export/export-sql";
import { ndjsonLines } from "../export/ndjson-lines";
import { exportLines } from "../export/session-export";
import { importLines } from "../export/session-import";
import { d1Query, workerImportTarget } from "../export/worker-target";
import { validateContentType } from "../mcp/request-validation";

/** The media type of both directions. */
export const NDJSON = "application/x-ndjson";

const STATUSES = ["active", "expired", "disconnected"] as const;

/** The `/api/sessions/export` and `/api/sessions/import` routes, mounted at `/api/sessions`. */
export function createExportRoutes() {
	const routes = new Hono<ViewerEnv>();

	routes.get("/export", requireViewer, (c) => {
		requireAdmin(c.get("viewer"));
		const filter = parseFilter(c.req.query());
		const lines = exportLines(d1Query(c.env.DB), filter, Date.now());
		return new Response(ndjsonStream(lines), {
			headers: {
				"Content-Type": NDJSON,
				"Content-Disposition": 'attachment; filename="sessions.ndjson"',
				"Cache-Control": "no-store",
			},
		});
	});

	routes.post("/import", requireViewer, (c) => {
		requireAdmin(c.get("viewer"));
		validateContentType(c.req.raw, NDJSON);
		const body = c.req.raw.body;
		if (!body) throw badRequest("the body is empty");
		const target = workerImportTarget(c.env.DB, c.env.MCP_SESSION);
		const reports = importLines(target, ndjsonLines(body), Date.now());
		return new Response(ndjsonStream(withSummary(reports)), {
			headers: { "Content-Type": NDJSON, "Cache-Control": "no-store" },
		});
	});

	return routes;
}

function parseFilter(query: Record<string, string>): ExportFilter {
	const filter: { -readonly [K in keyof ExportFilter]: ExportFilter[K] } = {};
	for (const name of ["since", "until"] as const) {
		const raw = query[name];
		if (raw === undefined) continue;
		const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
		if (!Number.isSafeInteger(value)) {
			throw badRequest(`${name} must be epoch milliseconds or an ISO 8601 time`);
		}
		filter[name] = value;
	}
	if (query.user !== undefined) filter.user = query.user;
	const status = query.status;
	if (status !== undefined) {
		const known = STATUSES.find((candidate) => candidate === status);
		if (!known) throw badRequest(`status must be one of ${STATUSES.join(", ")}`);
		filter.status = known;
	}
	return filter;
}

/** The reports of an import, then its summary as `{"summary": ...}`. */
async function* withSummary(reports: AsyncGenerator<unknown, unknown>): AsyncGenerator<string> {
	for (;;) {
		const next = await reports.next();
		if (next.done) {
			yield JSON.stringify({ summary: next.value });
			return;
		}
		yield JSON.stringify(next.value);
	}
}

/** A body of NDJSON from lines produced one at a time, as the reader pulls them. */
function ndjsonStream(lines: AsyncIterator<string>): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream({
		async pull(controller) {
			const next = await lines.next();
			if (next.done) controller.close();
			else controller.enqueue(encoder.encode(`${next.value}\n`));
		},
		async cancel() {
			await lines.return?.(undefined);
		},
	});
}

function badRequest(message: string): McpHttpError {
	return new McpHttpError(400, JsonRpcCode.InvalidParams, `Bad Request: ${message}`);
}
