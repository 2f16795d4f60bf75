/**
 * The D1 mirror of one session: the session row and its queued request rows,
 * written after responses (never on the response path), one write at a time,
 * with a retry alarm when D1 fails. Once an ended session is fully mirrored,
 * its object erases its storage.
 *
 * Retries back off exponentially (`retryDelayMs`); after `MAX_MIRROR_RETRIES`
 * failed in a row the mirror gives up (`mirror.gave_up`): the queued rows are
 * dropped and an ended session is erased all the same, so no object retries
 * forever (a row D1 refuses once refused it on every retry).
 */
import { type Database, openDatabase } from "../db/database";
import { insertLateLegacyRow, insertRequestRows, legacyRequestRow } from "../db/request-rows";
import { upsertSessionRow } from "../db/session-rows";
import { describeError } from "../errors";
import { log } from "../log";
import { McpAttribute } from "../telemetry/attributes";
import { shortId } from "./session-id";
import type { RequestRecord, SessionRecord } from "./session-record";
import type { SessionStore } from "./session-store";

/**
 * Requests finishing within this window share one D1 mirror write
 * (milliseconds). Each write costs a D1 batch and the outbox delete whatever
 * the rows it carries, so under load a longer window is cheaper per request
 * (bench/README.md); D1, for admin views and metrics, lags by at most this much.
 */
const MIRROR_DEBOUNCE_MS = 100;

/** Delay before the first retry of a D1 mirror write that failed (5 seconds); it doubles with each failed retry. */
const MIRROR_RETRY_BASE_MS = 5_000;

/** Longest delay between two retries (10 minutes). */
const MIRROR_RETRY_MAX_DELAY_MS = 600_000;

/** Failed retries in a row after which the mirror gives up (about 40 minutes of retrying in all). */
export const MAX_MIRROR_RETRIES = 10;

/** Outbox rows sent to D1 per round; a sync makes at most `MAX_SYNC_ROUNDS` rounds. */
const OUTBOX_BATCH_ROWS = 96;
const MAX_SYNC_ROUNDS = 20;

/** Keeps D1 in step with one session object's storage. */
export class SessionMirror {
	readonly #store: SessionStore;
	readonly #d1: D1Database;
	/** Drizzle, for the rare writes; the hot ones are prepared D1 statements (`db/prepared-insert.ts`). */
	readonly #db: Database;
	readonly #waitUntil: (work: Promise<unknown>) => void;
	#syncing: Promise<void> | undefined;
	#syncAgain = false;
	/** A background sync is scheduled and has not started yet. */
	#syncPending = false;

	constructor(store: SessionStore, d1: D1Database, waitUntil: (work: Promise<unknown>) => void) {
		this.#store = store;
		this.#d1 = d1;
		this.#db = openDatabase(d1);
		this.#waitUntil = waitUntil;
	}

	/**
	 * Writes everything pending now and waits for it. One sync runs at a time; a
	 * call during a sync makes it run once more, so nothing is left behind.
	 */
	sync(): Promise<void> {
		if (this.#syncing) {
			this.#syncAgain = true;
			return this.#syncing;
		}
		this.#syncing = (async () => {
			try {
				do {
					this.#syncAgain = false;
					await this.#syncOnce();
				} while (this.#syncAgain);
			} finally {
				this.#syncing = undefined;
			}
		})();
		return this.#syncing;
	}

	/** Syncs shortly, in the background; requests finishing meanwhile share it, so a burst costs one write. */
	syncSoon(): void {
		if (this.#syncPending) return;
		this.#syncPending = true;
		const later = new Promise((resolve) => setTimeout(resolve, MIRROR_DEBOUNCE_MS)).then(() => {
			this.#syncPending = false;
			return this.sync();
		});
		this.#waitUntil(later.catch((error: unknown) => this.scheduleRetry(error)));
	}

	/**
	 * Writes the session's row now and waits for it, without retrying: for the
	 * write a session cannot exist without (its creation). Throws if D1 fails.
	 */
	async writeSessionRow(record: SessionRecord): Promise<void> {
		await upsertSessionRow(this.#d1, record).run();
	}

	/**
	 * Arms the object's alarm to retry a failed sync: soon for an ended session,
	 * and for a live one at the retry or its idle deadline, whichever comes first.
	 * The delay grows with the retries that failed in a row.
	 */
	async scheduleRetry(error: unknown): Promise<void> {
		const record = this.#store.session();
		if (!record) return;
		const retryAt = Date.now() + retryDelayMs(this.#store.mirrorFailures());
		log.warn("mirror.retry_scheduled", {
			[McpAttribute.SessionId]: shortId(record.id),
			error: describeError(error),
		});
		// A live session's alarm must also come by its deadline: the expiry syncs anyway.
		await this.#store.armBy(
			record.status === "active" ? Math.min(retryAt, record.expiresAt) : retryAt,
		);
	}

	/**
	 * After a retry (an alarm) failed: schedules the next one, or past
	 * `MAX_MIRROR_RETRIES` gives up: the queued rows are dropped and an ended
	 * session is erased, a live one goes on (its next sync starts the count over).
	 */
	async retryFailed(error: unknown): Promise<void> {
		const failures = this.#store.mirrorFailures() + 1;
		const record = this.#store.session();
		if (!record) return;
		if (failures < MAX_MIRROR_RETRIES) {
			this.#store.setMirrorFailures(failures);
			await this.scheduleRetry(error);
			return;
		}
		let dropped = 0;
		for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
			const entries = this.#store.outbox(OUTBOX_BATCH_ROWS);
			await this.#store.dequeue(entries);
			dropped += entries.length;
			if (entries.length < OUTBOX_BATCH_ROWS) break;
		}
		log.error("mirror.gave_up", {
			[McpAttribute.SessionId]: shortId(record.id),
			retries: failures,
			droppedRows: dropped,
			status: record.status,
			error: describeError(error),
		});
		this.#store.setMirrorFailures(0);
		if (record.status !== "active") {
			await this.#store.clear();
			log.info("session.erased", {
				[McpAttribute.SessionId]: shortId(record.id),
				reason: record.disconnectReason,
			});
		} else {
			await this.#store.setAlarm(record.expiresAt);
		}
	}

	/** Request rows still queued, up to one batch. */
	pending(): number {
		return this.#store.session() ? this.#store.outbox(OUTBOX_BATCH_ROWS).length : 0;
	}

	/**
	 * Writes the row of a request that finished after its session was erased
	 * (the session row is already final in D1), so an accepted request is not lost.
	 */
	writeLateRow(record: RequestRecord): void {
		this.#waitUntil(
			insertLateLegacyRow(this.#db, record).catch((error: unknown) =>
				log.error("mirror.late_row_lost", {
					[McpAttribute.SessionId]: shortId(record.sessionId),
					error: describeError(error),
				}),
			),
		);
	}

	/** Mirrors the record and queued requests; erases the object once an ended session is mirrored. */
	async #syncOnce(): Promise<void> {
		for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
			const record = this.#store.session();
			if (!record) return;
			const entries = this.#store.outbox(OUTBOX_BATCH_ROWS);
			// The caller columns of a legacy row come from the session record (see db/schema.ts).
			const rows = entries.map((entry) => legacyRequestRow(entry.record, record));
			await this.#d1.batch([
				upsertSessionRow(this.#d1, record),
				...insertRequestRows(this.#d1, rows),
			]);
			await this.#store.dequeue(entries);
			if (this.#store.mirrorFailures() > 0) this.#store.setMirrorFailures(0);
			if (entries.length === OUTBOX_BATCH_ROWS) continue;
			// An ended record never changes again, so once it and every queued row are in D1 the object can forget.
			if (record.status !== "active" && this.#store.outbox(1).length === 0) {
				await this.#store.clear();
				log.info("session.erased", {
					[McpAttribute.SessionId]: shortId(record.id),
					reason: record.disconnectReason,
				});
			}
			return;
		}
		// Bounded work per sync: more rows than MAX_SYNC_ROUNDS batches wait for the next round.
		this.#syncAgain = true;
	}
}

/** Delay before the next retry after `failures` failed retries in a row: doubling from the base, capped. */
function retryDelayMs(failures: number): number {
	return Math.min(MIRROR_RETRY_MAX_DELAY_MS, MIRROR_RETRY_BASE_MS * 2 ** failures);
}
