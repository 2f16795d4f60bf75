/**
 * Storage of one session's Durable Object (SQLite-backed, synchronous KV API).
 *
 * | key                          | value                                                        |
 * | ---------------------------- | ------------------------------------------------------------ |
 * | `session`                    | `SessionRecord`: absent means no such session                |
 * | `mirror-failures`            | Retries of the D1 mirror that failed in a row (absent: 0)    |
 * | `outbox:<ts 15 digits>:<id>` | `RequestRecord` not yet mirrored to D1                       |
 * | `event-log`                  | Position of the SSE event log: next, oldest, bytes kept      |
 * | `event:<seq 12 digits>`      | One SSE event (stream id, time, message) for `Last-Event-ID` |
 *
 * The event log and its bounds: `session-event-store.ts`. An unknown session
 * id never writes here, so probing ids leaves no storage behind; ending a
 * session erases every key.
 */
import type { RequestRecord, SessionRecord } from "./session-record";

/** Storage keys; the outbox and event keys each share one prefix so a bounded list finds them in order. */
export const StorageKey = {
	Session: "session",
	MirrorFailures: "mirror-failures",
	OutboxPrefix: "outbox:",
	EventLog: "event-log",
	EventPrefix: "event:",
} as const;

/**
 * Most outbox entries one scan reads back into memory (after a restart, or
 * once the entries read so far are mirrored); more wait for the next scan.
 */
const OUTBOX_SCAN_LIMIT = 1_000;

/** DO storage caps a multi-key delete at 128 keys. */
const MAX_DELETE_KEYS = 128;

/** A pending outbox entry and the key to delete once mirrored. */
export interface OutboxEntry {
	readonly key: string;
	readonly record: RequestRecord;
}

/** Typed access to a session object's storage. */
export class SessionStore {
	readonly #storage: DurableObjectStorage;
	/**
	 * The stored record as last read or written by this instance (every write
	 * goes through here), frozen; absent until first read. A request read it
	 * 3 to 5 times, each a `kv.get` and a deserialization (bench/README.md,
	 * "Where the time goes"). A failed write resets the object, and this with it.
	 */
	#session: { readonly record: SessionRecord | undefined } | undefined;
	/**
	 * The outbox as stored, oldest first, so a sync lists nothing (a list per
	 * request was 0.3 ms, bench/README.md): read by one bounded scan after a
	 * restart; `complete` when that scan reached the end, so entries queued
	 * since are added here too. Otherwise they wait for the next scan, which
	 * runs once the entries held here are mirrored.
	 */
	#outbox: { readonly entries: Map<string, RequestRecord>; complete: boolean } | undefined;
	/** `mirror-failures` as stored; absent until first read. */
	#mirrorFailures: number | undefined;
	/** Epoch ms of the scheduled alarm as this instance set it (null: none); absent until first read. */
	#alarmAt: number | null | undefined;

	readonly #onClear: () => void;

	/** `onClear` runs once every key is deleted, for whatever else holds this storage's contents in memory. */
	constructor(storage: DurableObjectStorage, onClear: () => void = () => {}) {
		this.#storage = storage;
		this.#onClear = onClear;
	}

	/** The session, or undefined when this object holds none. */
	session(): SessionRecord | undefined {
		this.#session ??= { record: frozen(this.#storage.kv.get<SessionRecord>(StorageKey.Session)) };
		return this.#session.record;
	}

	/**
	 * The session as stored, read again: what the alarm decides on, so a record
	 * changed behind the object's back (tests backdate the deadline) is seen;
	 * one read per alarm.
	 */
	reload(): SessionRecord | undefined {
		this.#session = undefined;
		return this.session();
	}

	/** Saves the session record. */
	saveSession(record: SessionRecord): void {
		this.#storage.kv.put(StorageKey.Session, record);
		this.#session = { record: frozen(structuredClone(record)) };
	}

	/** Queues a served request for the D1 mirror. */
	enqueue(record: RequestRecord): void {
		const key = `${StorageKey.OutboxPrefix}${String(record.timestamp).padStart(15, "0")}:${record.requestId}`;
		this.#storage.kv.put(key, record);
		if (this.#outbox?.complete) this.#outbox.entries.set(key, record);
	}

	/** Up to `limit` queued requests, in the order they were queued (after a restart: oldest first). */
	outbox(limit: number): OutboxEntry[] {
		const entries: OutboxEntry[] = [];
		for (const [key, record] of this.#pendingOutbox()) {
			if (entries.length === limit) break;
			entries.push({ key, record });
		}
		return entries;
	}

	/** Retries of the D1 mirror that failed in a row. */
	mirrorFailures(): number {
		this.#mirrorFailures ??= this.#storage.kv.get<number>(StorageKey.MirrorFailures) ?? 0;
		return this.#mirrorFailures;
	}

	/** Records the count of failed mirror retries in a row; 0 forgets it. */
	setMirrorFailures(count: number): void {
		if (count === this.mirrorFailures()) return;
		if (count === 0) this.#storage.kv.delete(StorageKey.MirrorFailures);
		else this.#storage.kv.put(StorageKey.MirrorFailures, count);
		this.#mirrorFailures = count;
	}

	/** Removes mirrored requests from the outbox, in one storage call per 128 keys. */
	async dequeue(entries: readonly OutboxEntry[]): Promise<void> {
		const keys = entries.map(({ key }) => key);
		for (const key of keys) this.#outbox?.entries.delete(key);
		for (let start = 0; start < keys.length; start += MAX_DELETE_KEYS) {
			await this.#storage.delete(keys.slice(start, start + MAX_DELETE_KEYS));
		}
	}

	/** The outbox held in memory, scanning storage when nothing is held and the last scan did not reach the end. */
	#pendingOutbox(): Map<string, RequestRecord> {
		const held = this.#outbox;
		if (held && (held.complete || held.entries.size > 0)) return held.entries;
		const entries = new Map<string, RequestRecord>();
		for (const [key, record] of this.#storage.kv.list<RequestRecord>({
			prefix: StorageKey.OutboxPrefix,
			limit: OUTBOX_SCAN_LIMIT,
		})) {
			entries.set(key, record);
		}
		this.#outbox = { entries, complete: entries.size < OUTBOX_SCAN_LIMIT };
		return entries;
	}

	/** Schedules the single alarm of this object at `at` (epoch ms), replacing any other. */
	async setAlarm(at: number): Promise<void> {
		await this.#storage.setAlarm(at);
		this.#alarmAt = at;
	}

	/**
	 * Makes sure the alarm fires no later than `at`: schedules it only when
	 * none is, or the one scheduled is later. An earlier alarm is left alone
	 * and re-arms itself when it fires (`McpSessionObject.alarm`), so a request
	 * that only slides the idle deadline costs no `setAlarm` (bench/README.md).
	 */
	async armBy(at: number): Promise<void> {
		if (this.#alarmAt === undefined) this.#alarmAt = await this.#storage.getAlarm();
		if (this.#alarmAt === null || this.#alarmAt > at) await this.setAlarm(at);
	}

	/** Forgets the alarm that just fired: inside `alarm()` none is scheduled until one is set. */
	alarmFired(): void {
		this.#alarmAt = null;
	}

	/** Deletes the alarm and every key: the object forgets the session entirely. */
	async clear(): Promise<void> {
		await this.#storage.deleteAlarm();
		await this.#storage.deleteAll();
		this.#session = { record: undefined };
		this.#outbox = { entries: new Map(), complete: true };
		this.#mirrorFailures = 0;
		this.#alarmAt = null;
		this.#onClear();
	}
}

/** `record` frozen, so no caller can change the copy every later read returns. */
function frozen(record: SessionRecord | undefined): SessionRecord | undefined {
	return record === undefined ? undefined : Object.freeze(record);
}
