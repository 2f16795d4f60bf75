/**
 * The server's health: the one check behind `GET /health` and the
 * `health_check` tool.
 */
import type { ServerConfig } from "../config";
import { isSchemaMigrated } from "../db/database";
import { SERVER_VERSION } from "../version";

/** Result of a health check. */
export interface HealthReport {
	/** `healthy` when D1 answers and its schema is migrated; `degraded` otherwise. */
	readonly status: "healthy" | "degraded";
	readonly version: string;
	/** Seconds since this Worker isolate served its first request. */
	readonly uptimeSeconds: number;
	/** Whether D1 answers, and whether every table and column the server uses exists there. */
	readonly d1: {
		readonly reachable: boolean;
		readonly migrated: boolean;
		readonly latencyMs: number;
	};
	/** How long the request log and ended sessions are kept (`REQUEST_RETENTION_DAYS`, `SESSION_RETENTION_DAYS`). */
	readonly retention: { readonly requestDays: number; readonly sessionDays: number };
	/** ISO 8601 time of the check. */
	readonly timestamp: string;
}

let firstServedAt: number | undefined;

/**
 * Checks that D1 answers and that its schema is migrated (an empty or
 * half-migrated database is `degraded`, not healthy), and reports. Never throws.
 */
export async function checkHealth(
	d1: D1Database | undefined,
	config: ServerConfig,
): Promise<HealthReport> {
	const started = Date.now();
	// Date.now() is frozen during module evaluation in workerd, so uptime counts from the first check.
	firstServedAt ??= started;
	// The schema probe answers both questions when all is well; only when it fails does
	// a second round trip tell an unreachable D1 from an unmigrated one.
	const migrated = d1 !== undefined && (await isSchemaMigrated(d1));
	const reachable = migrated || (d1 !== undefined && (await answers(d1)));
	const now = Date.now();
	return {
		status: reachable && migrated ? "healthy" : "degraded",
		version: SERVER_VERSION,
		uptimeSeconds: Math.floor((now - firstServedAt) / 1000),
		d1: { reachable, migrated, latencyMs: now - started },
		retention: {
			requestDays: config.requestRetentionDays,
			sessionDays: config.sessionRetentionDays,
		},
		timestamp: new Date(now).toISOString(),
	};
}

/** Whether D1 answers a trivial query. */
async function answers(d1: D1Database): Promise<boolean> {
	try {
		await d1.prepare("SELECT 1").first();
		return true;
	} catch {
		return false;
	}
}
