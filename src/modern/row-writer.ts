/**
 * Writes the request rows of the modern lane to D1 off the response path.
 * There is no Durable Object to queue them in, so rows wait in the isolate:
 * rows finishing within a short window share one D1 batch, written under the
 * `waitUntil` of the request that opened the window (the others add their row
 * and go). A failed batch is retried a bounded number of times; only then is
 * it given up, and the loss is logged with its row count.
 */
import { insertRequestRows, type RequestRow } from "../db/request-rows";
import { describeError } from "../errors";
import { log } from "../log";

/** Rows finishing within this window share one D1 batch (milliseconds). */
const BATCH_WINDOW_MS = 25;

/** Most rows in one D1 batch; a full window closes early and the next row opens another. */
const MAX_BATCH_ROWS = 256;

/**
 * Waits before each retry of a failed batch (milliseconds): three retries,
 * 5.6 s in all, well inside the 30 s a Worker keeps running for `waitUntil`.
 */
const RETRY_DELAYS_MS = [100, 1_000, 4_500] as const;

/** Options of a writer; tests replace the pause between attempts. */
export interface RowWriterOptions {
	/** Resolves after `ms` milliseconds; `setTimeout` by default. */
	readonly sleep?: (ms: number) => Promise<void>;
}

/** Keeps the work of a write alive after the response: the request's `ctx.waitUntil`. */
export type WaitUntil = (work: Promise<unknown>) => void;

interface Batch {
	readonly rows: RequestRow[];
}

/** Batches request rows per isolate and writes them with bounded retries. */
export class RequestRowWriter {
	readonly #d1: D1Database;
	readonly #sleep: (ms: number) => Promise<void>;
	/** The window rows join until it is written or full. */
	#open: Batch | undefined;

	constructor(d1: D1Database, options: RowWriterOptions = {}) {
		this.#d1 = d1;
		this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
	}

	/**
	 * Queues `row`. The request that opens a window keeps the batch's write
	 * alive with its `waitUntil`; later rows of the window ride on it, so no
	 * request waits on a promise another request's context settles.
	 */
	add(row: RequestRow, waitUntil: WaitUntil): void {
		const open = this.#open;
		if (open && open.rows.length < MAX_BATCH_ROWS) {
			open.rows.push(row);
			return;
		}
		const batch: Batch = { rows: [row] };
		this.#open = batch;
		waitUntil(
			this.#sleep(BATCH_WINDOW_MS).then(() => {
				if (this.#open === batch) this.#open = undefined;
				return this.#write(batch.rows);
			}),
		);
	}

	/** Writes `rows` in one D1 batch, retrying with the delays above; never throws. */
	async #write(rows: readonly RequestRow[]): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			try {
				const statements = insertRequestRows(this.#d1, rows);
				if (statements.length > 0) await this.#d1.batch(statements);
				return;
			} catch (error) {
				const delay = RETRY_DELAYS_MS[attempt];
				if (delay === undefined) {
					log.error("tracking.rows_lost", { rows: rows.length, error: describeError(error) });
					return;
				}
				log.warn("tracking.write_retry", {
					rows: rows.length,
					attempt: attempt + 1,
					error: describeError(error),
				});
				await this.#sleep(delay);
			}
		}
	}
}

/** One writer per D1 binding in this isolate, so concurrent requests share its windows. */
const writers = new WeakMap<D1Database, RequestRowWriter>();

/** The isolate's writer for the `DB` binding, created on first use. */
export function rowWriterFor(d1: D1Database): RequestRowWriter {
	let writer = writers.get(d1);
	if (!writer) {
		writer = new RequestRowWriter(d1);
		writers.set(d1, writer);
	}
	return writer;
}
