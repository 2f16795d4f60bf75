/**
 * The metrics API, `/api/metrics/...`: JSON aggregates of the D1 mirror over
 * a bounded time range (`from`, `to` in epoch ms; the last 24 hours by
 * default; at most 31 days), for the dashboard and for scripts. Admins see
 * every user's data, members their own (`src/dashboard/viewer.ts`). Field
 * names follow OpenTelemetry's MCP conventions where one applies. Queries and
 * their plans: docs/metrics.md.
 */
import { type Context, Hono } from "hono";
import { requireAdmin, requireViewer, type ViewerEnv } from "../dashboard/viewer";
import { openDatabase } from "../db/database";
import { JsonRpcCode, McpHttpError } from "../errors";
import { clientTraffic, requestSeries, requestTotals, toolStats } from "../metrics/request-metrics";
import { MAX_SEARCH_RESULTS, searchSessions, sessionTimeline } from "../metrics/session-explorer";
import {
	activeNow,
	lifecycleCounts,
	sessionSeries,
	sessionsByUser,
} from "../metrics/session-metrics";
import { parseTimeRange, type TimeRange } from "../metrics/time-range";

/** Longest explorer search term, in characters. */
const MAX_QUERY_CHARS = 200;

/** The `/api/metrics` routes. */
export function createMetricsRoutes() {
	const metrics = new Hono<ViewerEnv>();
	metrics.use("*", requireViewer);

	metrics.get("/overview", async (c) => {
		const { range, scope, now } = readRequest(c);
		const db = openDatabase(c.env.DB);
		const [requests, active, lifecycle] = await Promise.all([
			requestTotals(db, range, scope),
			activeNow(db, scope, now),
			lifecycleCounts(db, range, scope),
		]);
		return c.json({ ...header(c, range), requests, active, lifecycle });
	});

	metrics.get("/timeseries", async (c) => {
		const { range, scope } = readRequest(c);
		const db = openDatabase(c.env.DB);
		const [requests, sessions] = await Promise.all([
			requestSeries(db, range, scope),
			sessionSeries(db, range, scope),
		]);
		const buckets = requests.map((bucket, index) => ({
			...bucket,
			activeSessions: sessions[index] ?? 0,
		}));
		return c.json({ ...header(c, range), buckets });
	});

	metrics.get("/clients", async (c) => {
		const { range, scope } = readRequest(c);
		const clients = await clientTraffic(openDatabase(c.env.DB), range, scope);
		return c.json({ ...header(c, range), clients });
	});

	metrics.get("/tools", async (c) => {
		const { range, scope } = readRequest(c);
		const stats = await toolStats(openDatabase(c.env.DB), range, scope);
		return c.json({ ...header(c, range), ...stats });
	});

	metrics.get("/users", async (c) => {
		requireAdmin(c.get("viewer"));
		const { range } = readRequest(c);
		const users = await sessionsByUser(openDatabase(c.env.DB), range);
		return c.json({ ...header(c, range), users });
	});

	metrics.get("/sessions", async (c) => {
		const { range, scope } = readRequest(c);
		const query = c.req.query("q") ?? "";
		if (query.length > MAX_QUERY_CHARS) {
			throw badRequest(`q may have at most ${MAX_QUERY_CHARS} characters`);
		}
		const sessions = await searchSessions(openDatabase(c.env.DB), range, scope, query);
		return c.json({ ...header(c, range), limit: MAX_SEARCH_RESULTS, sessions });
	});

	metrics.get("/sessions/:id", async (c) => {
		const viewer = c.get("viewer");
		const timeline = await sessionTimeline(openDatabase(c.env.DB), viewer.scope, c.req.param("id"));
		// Another user's session is "not found" to a member, as in the admin API.
		if (!timeline) throw new McpHttpError(404, JsonRpcCode.ServerError, "Session not found");
		return c.json(timeline);
	});

	return metrics;
}

/** The range, scope and clock of a request. */
function readRequest(c: Context<ViewerEnv>) {
	const now = Date.now();
	return { range: parseTimeRange(c.req.query(), now), scope: c.get("viewer").scope, now };
}

/** What every answer starts with: the range it covers and whose data it is. */
function header(c: Context<ViewerEnv>, range: TimeRange) {
	return {
		range: { from: range.from, to: range.to, bucketMs: range.bucketMs },
		scope: c.get("viewer").scope.userId === null ? "all" : "own",
	};
}

function badRequest(message: string): McpHttpError {
	return new McpHttpError(400, JsonRpcCode.InvalidParams, `Bad Request: ${message}`);
}
