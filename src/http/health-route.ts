/**
 * `GET /health` for load balancers and clients: 200 when healthy, 503 when degraded.
 */
import type { Context } from "hono";
import { readConfig } from "../config";
import { checkHealth } from "../health/health";

/** Answers the health report as JSON. */
export async function healthRoute(c: Context<{ Bindings: Env }>): Promise<Response> {
	const report = await checkHealth(c.env.DB, readConfig(c.env));
	c.header("Cache-Control", "no-store");
	return c.json(report, report.status === "healthy" ? 200 : 503);
}
