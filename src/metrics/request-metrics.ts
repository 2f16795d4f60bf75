/**
 * Aggregates of the request log (`archon_mcp_requests`, both eras) over a
 * bounded time range: totals, a time series, traffic by client, and per-tool
 * latency percentiles. Each function is one D1 query; their plans are in
 * docs/metrics.md. Every function takes the database first.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database";
import type { RequestEra } from "../db/schema";
import { clientTypeOf } from "../session/client-type";
import { DURATION_UNIT, McpAttribute, McpMetric } from "../telemetry/attributes";
import { type MetricsScope, userFilter } from "./scope";
import type { TimeRange } from "./time-range";

/** Most client groups and tools a listing returns (the busiest). */
export const MAX_GROUPS = 100;

/** How many tools the slowest and most failing lists name. */
const TOP_TOOLS = 5;

/** Requests and errors, with the share of errors (0 when there were no requests). */
export interface RequestCounts {
	readonly requests: number;
	readonly errors: number;
	readonly errorRate: number;
}

/** One bucket of the request series. */
export interface RequestBucket extends RequestCounts {
	/** Epoch ms at which the bucket starts. */
	readonly start: number;
	readonly legacyRequests: number;
	readonly modernRequests: number;
	/** Distinct clients (user and client name) that sent 2026-07-28 requests in the bucket. */
	readonly modernClients: number;
}

/** Traffic of one client name and version in one era. */
export interface ClientTraffic extends RequestCounts {
	readonly era: RequestEra;
	/** The client family (`src/session/client-type.ts`), from the name. */
	readonly clientType: string;
	readonly clientName: string | null;
	readonly clientVersion: string | null;
}

/** Latency of a tool's calls, seconds (the unit of `mcp.server.operation.duration`), nearest-rank percentiles. */
export interface DurationSummary {
	readonly unit: typeof DURATION_UNIT;
	readonly p50: number;
	readonly p95: number;
	readonly p99: number;
	readonly mean: number;
	readonly max: number;
}

/** Calls of one tool. */
export interface ToolStats extends RequestCounts {
	readonly [McpAttribute.ToolName]: string | null;
	readonly [McpMetric.ServerOperationDuration]: DurationSummary;
}

/** Requests and errors in the range. */
export async function requestTotals(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
): Promise<RequestCounts> {
	const [row] = await db.all<{ requests: number; errors: number | null }>(sql`
		SELECT count(*) AS requests, sum(status = 'error') AS errors
		FROM archon_mcp_requests
		WHERE timestamp >= ${range.from} AND timestamp < ${range.to}${userFilter(scope)}`);
	return counts(row?.requests ?? 0, row?.errors ?? 0);
}

/** Requests per bucket, by era, with errors and the distinct modern clients; every bucket present. */
export async function requestSeries(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
): Promise<RequestBucket[]> {
	const rows = await db.all<{
		bucket: number;
		legacy: number;
		modern: number;
		errors: number | null;
		modern_clients: number;
	}>(sql`
		SELECT CAST((timestamp - ${range.from}) / ${range.bucketMs} AS INTEGER) AS bucket,
			sum(era = 'legacy') AS legacy, sum(era = 'modern') AS modern,
			sum(status = 'error') AS errors,
			count(DISTINCT CASE WHEN era = 'modern'
				THEN coalesce(user_id, '') || char(31) || coalesce(client_name, '') END) AS modern_clients
		FROM archon_mcp_requests
		WHERE timestamp >= ${range.from} AND timestamp < ${range.to}${userFilter(scope)}
		GROUP BY bucket`);
	const byBucket = new Map(rows.map((row) => [row.bucket, row]));
	return Array.from({ length: range.buckets }, (_, bucket) => {
		const row = byBucket.get(bucket);
		const legacy = row?.legacy ?? 0;
		const modern = row?.modern ?? 0;
		return {
			start: range.from + bucket * range.bucketMs,
			...counts(legacy + modern, row?.errors ?? 0),
			legacyRequests: legacy,
			modernRequests: modern,
			modernClients: row?.modern_clients ?? 0,
		};
	});
}

/** Requests by era, client name and version, busiest first (at most `MAX_GROUPS`). */
export async function clientTraffic(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
): Promise<ClientTraffic[]> {
	const rows = await db.all<{
		era: RequestEra;
		client_name: string | null;
		client_version: string | null;
		requests: number;
		errors: number | null;
	}>(sql`
		SELECT era, client_name, client_version, count(*) AS requests, sum(status = 'error') AS errors
		FROM archon_mcp_requests
		WHERE timestamp >= ${range.from} AND timestamp < ${range.to}${userFilter(scope)}
		GROUP BY era, client_name, client_version
		ORDER BY requests DESC, era, client_name, client_version
		LIMIT ${MAX_GROUPS}`);
	return rows.map((row) => ({
		era: row.era,
		clientType: clientTypeOf(row.client_name ?? undefined),
		clientName: row.client_name,
		clientVersion: row.client_version,
		...counts(row.requests, row.errors ?? 0),
	}));
}

/**
 * Per tool: calls, errors and latency percentiles of `tools/call` in the
 * range, most called first (at most `MAX_GROUPS`), with the slowest (by p95)
 * and the most failing (by error count) named apart. Percentiles are nearest
 * rank: p is the value at rank ceil(p/100 × n) of the sorted durations.
 */
export async function toolStats(
	db: Database,
	range: TimeRange,
	scope: MetricsScope,
): Promise<{ tools: ToolStats[]; slowest: ToolStats[]; mostFailing: ToolStats[] }> {
	const rows = await db.all<{
		tool_name: string | null;
		calls: number;
		errors: number | null;
		mean_ms: number;
		max_ms: number;
		p50_ms: number;
		p95_ms: number;
		p99_ms: number;
	}>(sql`
		WITH calls AS (
			SELECT tool_name, duration_ms, status,
				row_number() OVER (PARTITION BY tool_name ORDER BY duration_ms) AS rank,
				count(*) OVER (PARTITION BY tool_name) AS n
			FROM archon_mcp_requests
			WHERE method = 'tools/call' AND timestamp >= ${range.from} AND timestamp < ${range.to}${userFilter(scope)}
		)
		SELECT tool_name, max(n) AS calls, sum(status = 'error') AS errors,
			avg(duration_ms) AS mean_ms, max(duration_ms) AS max_ms,
			max(CASE WHEN rank = (n * 50 + 99) / 100 THEN duration_ms END) AS p50_ms,
			max(CASE WHEN rank = (n * 95 + 99) / 100 THEN duration_ms END) AS p95_ms,
			max(CASE WHEN rank = (n * 99 + 99) / 100 THEN duration_ms END) AS p99_ms
		FROM calls
		GROUP BY tool_name
		ORDER BY calls DESC, tool_name
		LIMIT ${MAX_GROUPS}`);
	const tools: ToolStats[] = rows.map((row) => ({
		[McpAttribute.ToolName]: row.tool_name,
		...counts(row.calls, row.errors ?? 0),
		[McpMetric.ServerOperationDuration]: {
			unit: DURATION_UNIT,
			p50: seconds(row.p50_ms),
			p95: seconds(row.p95_ms),
			p99: seconds(row.p99_ms),
			mean: seconds(row.mean_ms),
			max: seconds(row.max_ms),
		},
	}));
	const p95 = (tool: ToolStats) => tool[McpMetric.ServerOperationDuration].p95;
	return {
		tools,
		slowest: [...tools].sort((a, b) => p95(b) - p95(a)).slice(0, TOP_TOOLS),
		mostFailing: tools
			.filter((tool) => tool.errors > 0)
			.sort((a, b) => b.errors - a.errors || b.errorRate - a.errorRate)
			.slice(0, TOP_TOOLS),
	};
}

/** Counts with their error rate, rounded to 4 decimals. */
export function counts(requests: number, errors: number): RequestCounts {
	return { requests, errors, errorRate: requests === 0 ? 0 : round(errors / requests, 4) };
}

/** Milliseconds as seconds, to the microsecond. */
function seconds(ms: number): number {
	return round(ms / 1000, 6);
}

function round(value: number, decimals: number): number {
	const factor = 10 ** decimals;
	return Math.round(value * factor) / factor;
}
