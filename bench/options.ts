/**
 * Command-line options of `npm run bench` and `npm run bench:scale`, read
 * once with `node:util` `parseArgs`, with their defaults in one place.
 */
import { parseArgs } from "node:util";

/** Options of `npm run bench`. */
export interface BenchOptions {
	/** Measured requests per target and round. */
	readonly requests: number;
	/** Requests run and discarded before each measured run. */
	readonly warmup: number;
	/** Rounds: each runs every target once, in a rotating order. */
	readonly rounds: number;
	/** Target filter (`legacy`, `legacy@1`, ...); every target when absent. */
	readonly targets: readonly string[] | undefined;
	/** Exit non-zero when a goal of issue 13 is missed. */
	readonly check: boolean;
	/** Hard limit for the whole run, start-up included. */
	readonly deadlineSeconds: number;
}

/** Options of `npm run bench:scale`. */
export interface ScaleOptions {
	/** Sessions created and left idle. */
	readonly sessions: number;
	/** Handshakes in flight while creating them. */
	readonly concurrency: number;
	/**
	 * Idle time after the last handshake, memory read every 5 s. 30 s by
	 * default: under `wrangler dev` an idle session object leaves the heap
	 * about 10 s after its last event (bench/README.md, "Scale").
	 */
	readonly idleSeconds: number;
	/**
	 * Idle timeout the server runs with for the run (`SESSION_TIMEOUT_SECONDS`
	 * and `SESSION_UNUSED_TIMEOUT_SECONDS`, seconds): after the idle wait the
	 * run waits past it and counts the sessions expired.
	 */
	readonly timeoutSeconds: number;
	/** Hard limit for the whole run, start-up included. */
	readonly deadlineSeconds: number;
}

/** Defaults of `npm run bench`: about 4 minutes on a quiet 2-core machine. */
export const BENCH_DEFAULTS: BenchOptions = {
	requests: 500,
	warmup: 50,
	rounds: 3,
	targets: undefined,
	check: false,
	deadlineSeconds: 900,
};

/** Defaults of `npm run bench:scale`: the 10 000 sessions. */
export const SCALE_DEFAULTS: ScaleOptions = {
	sessions: 10_000,
	concurrency: 8,
	idleSeconds: 30,
	timeoutSeconds: 300,
	deadlineSeconds: 1_800,
};

/** Usage of `npm run bench`. */
export const BENCH_USAGE = `Usage: npm run bench -- [--requests N] [--warmup N] [--rounds N] [--targets a,b] [--check] [--deadline-seconds N]
  --requests N          measured requests per target and round (default ${BENCH_DEFAULTS.requests})
  --warmup N            discarded requests before each measured run (default ${BENCH_DEFAULTS.warmup})
  --rounds N            rounds over all targets, interleaved (default ${BENCH_DEFAULTS.rounds})
  --targets a,b         targets by kind (legacy) or kind@connections (legacy@1); default all
  --check               exit non-zero when a goal of issue 13 is missed
  --deadline-seconds N  hard limit for the whole run (default ${BENCH_DEFAULTS.deadlineSeconds})`;

/** Usage of `npm run bench:scale`. */
export const SCALE_USAGE = `Usage: npm run bench:scale -- [--sessions N] [--concurrency N] [--idle-seconds N] [--timeout-seconds N] [--deadline-seconds N]
  --sessions N          sessions to create and leave idle (default ${SCALE_DEFAULTS.sessions})
  --concurrency N       handshakes in flight (default ${SCALE_DEFAULTS.concurrency})
  --idle-seconds N      idle wait, memory read every 5 s (default ${SCALE_DEFAULTS.idleSeconds})
  --timeout-seconds N   the server's idle timeout; every session must then expire (default ${SCALE_DEFAULTS.timeoutSeconds}, at least 10)
  --deadline-seconds N  hard limit for the whole run (default ${SCALE_DEFAULTS.deadlineSeconds})`;

/** Reads the options of `npm run bench`; undefined after printing usage for `--help`. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | undefined {
	const { values } = parseArgs({
		args: [...argv],
		options: {
			requests: { type: "string" },
			warmup: { type: "string" },
			rounds: { type: "string" },
			targets: { type: "string" },
			check: { type: "boolean" },
			"deadline-seconds": { type: "string" },
			help: { type: "boolean" },
		},
	});
	if (values.help) {
		console.log(BENCH_USAGE);
		return undefined;
	}
	return {
		requests: count("--requests", values.requests, BENCH_DEFAULTS.requests),
		warmup: count("--warmup", values.warmup, BENCH_DEFAULTS.warmup, 0),
		rounds: count("--rounds", values.rounds, BENCH_DEFAULTS.rounds),
		targets: values.targets?.split(",").map((target) => target.trim()),
		check: values.check ?? false,
		deadlineSeconds: count(
			"--deadline-seconds",
			values["deadline-seconds"],
			BENCH_DEFAULTS.deadlineSeconds,
		),
	};
}

/** Reads the options of `npm run bench:scale`; undefined after printing usage for `--help`. */
export function parseScaleOptions(argv: readonly string[]): ScaleOptions | undefined {
	const { values } = parseArgs({
		args: [...argv],
		options: {
			sessions: { type: "string" },
			concurrency: { type: "string" },
			"idle-seconds": { type: "string" },
			"timeout-seconds": { type: "string" },
			"deadline-seconds": { type: "string" },
			help: { type: "boolean" },
		},
	});
	if (values.help) {
		console.log(SCALE_USAGE);
		return undefined;
	}
	return {
		sessions: count("--sessions", values.sessions, SCALE_DEFAULTS.sessions),
		concurrency: count("--concurrency", values.concurrency, SCALE_DEFAULTS.concurrency),
		idleSeconds: count("--idle-seconds", values["idle-seconds"], SCALE_DEFAULTS.idleSeconds, 0),
		timeoutSeconds: count(
			"--timeout-seconds",
			values["timeout-seconds"],
			SCALE_DEFAULTS.timeoutSeconds,
			10,
		),
		deadlineSeconds: count(
			"--deadline-seconds",
			values["deadline-seconds"],
			SCALE_DEFAULTS.deadlineSeconds,
		),
	};
}

/** An integer option of at least `min`, or `fallback` when absent. */
function count(flag: string, value: string | undefined, fallback: number, min = 1): number {
	if (value === undefined) return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < min) {
		throw new Error(`${flag} takes a whole number of at least ${min}, got "${value}"`);
	}
	return parsed;
}
