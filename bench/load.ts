/**
 * A closed-loop load generator: a fixed number of workers, each with one
 * request in flight, run a fixed number of requests after a warm-up.
 */

/** One load run. */
export interface LoadOptions {
	/** Workers, i.e. requests in flight at once. */
	readonly concurrency: number;
	/** Requests run and discarded before measuring (JIT, connection pool, Durable Object warm-up). */
	readonly warmupRequests: number;
	/** Requests measured. */
	readonly measuredRequests: number;
	/**
	 * Sends one request for `worker` (0 ≤ worker < concurrency) and resolves when
	 * its whole answer is read; resolves with an error message when the answer is wrong.
	 */
	readonly send: (worker: number) => Promise<string | undefined>;
}

/** What a load run measured. */
export interface LoadResult {
	readonly requests: number;
	readonly errors: number;
	/** The first error message seen, if any. */
	readonly firstError: string | undefined;
	readonly wallMs: number;
	/** Completed requests per second of wall time. */
	readonly perSecond: number;
	readonly p50Ms: number;
	readonly p99Ms: number;
	/** Every measured latency, ascending, in milliseconds. */
	readonly latenciesMs: readonly number[];
}

/** Runs the warm-up, then the measured requests, and summarises the latter. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	await runPhase(options, options.warmupRequests);
	const started = performance.now();
	const phase = await runPhase(options, options.measuredRequests);
	const wallMs = performance.now() - started;
	const sorted = phase.latenciesMs.sort((a, b) => a - b);
	return {
		requests: sorted.length,
		errors: phase.errors,
		firstError: phase.firstError,
		wallMs,
		perSecond: (sorted.length / wallMs) * 1000,
		p50Ms: percentile(sorted, 0.5),
		p99Ms: percentile(sorted, 0.99),
		latenciesMs: sorted,
	};
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], fraction: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil(fraction * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

async function runPhase(options: LoadOptions, total: number) {
	const latenciesMs: number[] = [];
	let started = 0;
	let errors = 0;
	let firstError: string | undefined;
	const worker = async (index: number) => {
		while (started < total) {
			started++;
			const t0 = performance.now();
			let error: string | undefined;
			try {
				error = await options.send(index);
			} catch (thrown) {
				error = thrown instanceof Error ? thrown.message : String(thrown);
			}
			latenciesMs.push(performance.now() - t0);
			if (error !== undefined) {
				errors++;
				firstError ??= error;
			}
		}
	};
	await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
	return { latenciesMs, errors, firstError };
}
