/**
 * One target's figures over all its rounds: requests and wall time added up,
 * percentiles over every latency, and the spread of the per-round rates.
 */
import { type LoadResult, percentile } from "./load.ts";

/** A target's figures over all rounds. */
export interface Summary {
	readonly requests: number;
	readonly errors: number;
	readonly firstError: string | undefined;
	readonly wallMs: number;
	/** All measured requests divided by all measured wall time. */
	readonly perSecond: number;
	/** Slowest and fastest round, requests per second. */
	readonly minPerSecond: number;
	readonly maxPerSecond: number;
	readonly p50Ms: number;
	readonly p99Ms: number;
}

/** Adds up the rounds of one target. */
export function summarize(runs: readonly LoadResult[]): Summary {
	const requests = runs.reduce((sum, run) => sum + run.requests, 0);
	const wallMs = runs.reduce((sum, run) => sum + run.wallMs, 0);
	const latencies = runs.flatMap((run) => run.latenciesMs).sort((a, b) => a - b);
	const rates = runs.map((run) => run.perSecond);
	return {
		requests,
		errors: runs.reduce((sum, run) => sum + run.errors, 0),
		firstError: runs.find((run) => run.firstError !== undefined)?.firstError,
		wallMs,
		perSecond: wallMs > 0 ? (requests / wallMs) * 1000 : Number.NaN,
		minPerSecond: Math.min(...rates),
		maxPerSecond: Math.max(...rates),
		p50Ms: percentile(latencies, 0.5),
		p99Ms: percentile(latencies, 0.99),
	};
}
