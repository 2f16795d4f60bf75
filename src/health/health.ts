/**
 * The server's health: the one check behind `GET /health` and the
 * `health_check` tool.
 */
import { SERVER_VERSION } from "../version";

/** Result of a health check. */
export interface HealthReport {
	/** `healthy` when every dependency answers; `degraded` otherwise. */
	readonly status: "healthy" | "degraded";
	readonly version: string;
	/** Seconds since this Worker isolate served its first request. */
	readonly uptimeSeconds: number;
	readonly d1: { readonly reachable: boolean; readonly latencyMs: number };
	/** ISO 8601 time of the check. */
	readonly timestamp: string;
}

let firstServedAt: number | undefined;

/** Checks D1 with a trivial query and reports. Never throws. */
export async function checkHealth(d1: D1Database | undefined): Promise<HealthReport> {
	const started = Date.now();
	// Date.now() is frozen during module evaluation in workerd, so uptime counts from the first check.
	firstServedAt ??= started;
	let reachable = false;
	try {
		await d1?.prepare("SELECT 1").first();
		reachable = d1 !== undefined;
	} catch {
		reachable = false;
	}
	const now = Date.now();
	return {
		status: reachable ? "healthy" : "degraded",
		version: SERVER_VERSION,
		uptimeSeconds: Math.floor((now - firstServedAt) / 1000),
		d1: { reachable, latencyMs: now - started },
		timestamp: new Date(now).toISOString(),
	};
}
