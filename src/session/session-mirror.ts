/**
 * The D1 mirror of one session: the session row and its queued request rows,
 * written after responses (never on the response path), one write at a time,
 * with a retry alarm when D1 fails. Once an ended session is fully mirrored,
 * its object erases its storage.
 */
import type { Database } from "../db/database";
import { insertLateLegacyRow, insertRequestRows, legacyRequestRow } from "../db/request-rows";
import { upsertSessionRow } from "../db/session-rows";
import { describeError } from "../errors";
import { log } from "../log";
import { McpAttribute } from "../telemetry/attributes";
import { shortId } from "./session-id";
import type { RequestRecord } from "./session-record";
import type { SessionStore } from "./session-store";

/** Requests finishing within this window share one D1 mirror write (milliseconds). */
const MIRROR_DEBOUNCE_MS = 25;

/** Delay before retrying a D1 mirror write that failed (30 seconds). */
const MIRROR_RETRY_DELAY_MS = 30_000;

/** Outbox rows sent to D1 per round; a sync makes at most `MAX_SYNC_ROUNDS` rounds. */
const OUTBOX_BATCH_ROWS = 96;
const MAX_SYNC_ROUNDS = 20;

/** Keeps D1 in step with one session object's storage. */
export class SessionMirror {
	readonly #store: SessionStore;
	readonly #db: Database;
	readonly #waitUntil: (work: Promise<unknown>) => void;
	#syncing: Promise<void> | undefined;
	#syncAgain = false;
	/** A background sync is scheduled and has not started yet. */
	#syncPending = false;

	constructor(store: SessionStore, db: Database, waitUntil: (work: Promise<unknown>) => void) {
		this.#store = store;
		this.#db = db;
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
	 * Arms the object's alarm to retry a failed sync: soon for an ended session,
	 * and for a live one unless its idle expiry (which syncs anyway) comes first.
	 */
	async scheduleRetry(error: unknown): Promise<void> {
		const record = this.#store.session();
		if (!record) return;
		const retryAt = Date.now() + MIRROR_RETRY_DELAY_MS;
		log.warn("mirror.retry_scheduled", {
			[McpAttribute.SessionId]: shortId(record.id),
			error: describeError(error),
		});
		if (record.status !== "active" || retryAt < record.expiresAt) {
			await this.#store.setAlarm(retryAt, "retry");
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
			await this.#db.batch([
				upsertSessionRow(this.#db, record),
				...insertRequestRows(this.#db, rows),
			]);
			this.#store.dequeue(entries);
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
