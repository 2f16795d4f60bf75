/**
 * The benchmark's tracking switch (bench/README.md, "The tracking switch"):
 * with `BENCH_TRACKING=off` a loopback request writes no request row, so
 * `npm run bench` can measure what tracking costs. Production never runs
 * untracked: on any other request the variable is ignored, with a warning.
 */
import type { ServerConfig } from "../config";
import { log } from "../log";
import { isLoopbackRequest } from "./auth-bypass";

/** The refusal is logged once per isolate, not once per request. */
let refusalLogged = false;

/** Whether `request` is tracked (request rows in D1): always, except a loopback request with `BENCH_TRACKING=off`. */
export function isTracked(request: Request, config: ServerConfig): boolean {
	if (config.benchTracking !== "off") return true;
	if (isLoopbackRequest(request)) return false;
	if (!refusalLogged) {
		refusalLogged = true;
		log.warn("config.bench_tracking_refused", {
			reason: "BENCH_TRACKING=off is honoured for loopback requests only; requests stay tracked",
		});
	}
	return true;
}
