/**
 * The time window every metrics query is bounded by, and how it is cut into
 * buckets for charts. Read from `from` and `to` (epoch milliseconds) and
 * checked once, so no query ever scans an unbounded range (docs/metrics.md).
 */
import { JsonRpcCode, McpHttpError } from "../errors";

/** The window when the caller names none: the last 24 hours (milliseconds). */
export const DEFAULT_RANGE_MS = 24 * 3600 * 1000;

/** The widest window a query may cover: 31 days (milliseconds). */
export const MAX_RANGE_MS = 31 * 24 * 3600 * 1000;

/** The narrowest window: one minute (milliseconds). */
const MIN_RANGE_MS = 60_000;

/** Most buckets a chart gets; the bucket is the smallest step below that many. */
export const MAX_BUCKETS = 96;

/** Bucket sizes a range is cut into, smallest first (milliseconds): 1 min to 1 day. */
const BUCKET_STEPS_MS = [
	60_000,
	5 * 60_000,
	15 * 60_000,
	3600_000,
	3 * 3600_000,
	6 * 3600_000,
	12 * 3600_000,
	24 * 3600_000,
] as const;

/** A checked window `[from, to)` and its bucket size, all in epoch milliseconds. */
export interface TimeRange {
	readonly from: number;
	readonly to: number;
	readonly bucketMs: number;
	/** Number of buckets; the last one may end after `to`. */
	readonly buckets: number;
}

/**
 * The window a query asks for, defaulting to the last 24 hours before `now`.
 * Throws a 400 that says what is wrong for a bad or too wide window.
 *
 * @example
 * parseTimeRange({ from: "1767225600000" }, Date.now())
 */
export function parseTimeRange(
	query: Readonly<Record<string, string | undefined>>,
	now: number,
): TimeRange {
	const to = query.to === undefined ? now : epochMs("to", query.to);
	const from = query.from === undefined ? to - DEFAULT_RANGE_MS : epochMs("from", query.from);
	if (to - from < MIN_RANGE_MS) throw badRange("to must be at least one minute after from");
	if (to - from > MAX_RANGE_MS) throw badRange("the range may span at most 31 days");
	return rangeOf(from, to);
}

/** The window `[from, to)` with the smallest bucket that keeps it within `MAX_BUCKETS`. */
export function rangeOf(from: number, to: number): TimeRange {
	const span = to - from;
	const bucketMs =
		BUCKET_STEPS_MS.find((step) => Math.ceil(span / step) <= MAX_BUCKETS) ?? BUCKET_STEPS_MS[7];
	return { from, to, bucketMs, buckets: Math.ceil(span / bucketMs) };
}

function epochMs(name: string, raw: string): number {
	const value = Number(raw);
	if (raw.trim() === "" || !Number.isSafeInteger(value) || value < 0) {
		throw badRange(`${name} must be epoch milliseconds`);
	}
	return value;
}

function badRange(message: string): McpHttpError {
	return new McpHttpError(400, JsonRpcCode.InvalidParams, `Bad Request: ${message}`);
}
