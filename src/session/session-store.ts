/**
 * Storage of one session's Durable Object (SQLite-backed, synchronous KV API).
 *
 * | key                          | value                                                        |
 * | ---------------------------- | ------------------------------------------------------------ |
 * | `session`                    | `SessionRecord`: absent means no such session                |
 * | `alarm`                      | `AlarmPurpose` of the scheduled alarm                        |
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

/** Why the alarm is set: idle expiry, or retrying a D1 write that failed. */
export type AlarmPurpose = "expiry" | "retry";

/** Storage keys; the outbox and event keys each share one prefix so a bounded list finds them in order. */
export const StorageKey = {
	Session: "session",
	Alarm: "alarm",
	MirrorFailures: "mirror-failures",
	OutboxPrefix: "outbox:",
	EventLog: "event-log",
	EventPrefix: "event:",
} as const;

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

	constructor(storage: DurableObjectStorage) {
		this.#storage = storage;
	}

	/** The session, or undefined when this object holds none. */
	session(): SessionRecord | undefined {
		this.#session ??= { record: frozen(this.#storage.kv.get<SessionRecord>(StorageKey.Session)) };
		return this.#session.record;
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
	}

	/** Up to `limit` queued requests, oldest first. */
	outbox(limit: number): OutboxEntry[] {
		const entries: OutboxEntry[] = [];
		for (const [key, record] of this.#storage.kv.list<RequestRecord>({
			prefix: StorageKey.OutboxPrefix,
			limit,
		})) {
			entries.push({ key, record });
		}
		return entries;
	}

	/** Retries of the D1 mirror that failed in a row. */
	mirrorFailures(): number {
		return this.#storage.kv.get<number>(StorageKey.MirrorFailures) ?? 0;
	}

	/** Records the count of failed mirror retries in a row; 0 forgets it. */
	setMirrorFailures(count: number): void {
		if (count === 0) this.#storage.kv.delete(StorageKey.MirrorFailures);
		else this.#storage.kv.put(StorageKey.MirrorFailures, count);
	}

	/** Removes mirrored requests from the outbox. */
	dequeue(entries: readonly OutboxEntry[]): void {
		for (const { key } of entries) this.#storage.kv.delete(key);
	}

	/** Schedules the single alarm of this object, remembering why. */
	async setAlarm(at: number, purpose: AlarmPurpose): Promise<void> {
		if (this.#storage.kv.get<AlarmPurpose>(StorageKey.Alarm) !== purpose) {
			this.#storage.kv.put(StorageKey.Alarm, purpose);
		}
		await this.#storage.setAlarm(at);
	}

	/** Why the current (or just fired) alarm was set. */
	alarmPurpose(): AlarmPurpose {
		return this.#storage.kv.get<AlarmPurpose>(StorageKey.Alarm) ?? "expiry";
	}

	/** Epoch ms of a scheduled alarm, or null; inside `alarm()` a non-null value means a newer schedule. */
	scheduledAlarm(): Promise<number | null> {
		return this.#storage.getAlarm();
	}

	/** Deletes the alarm and every key: the object forgets the session entirely. */
	async clear(): Promise<void> {
		await this.#storage.deleteAlarm();
		await this.#storage.deleteAll();
		this.#session = { record: undefined };
	}
}

/** `record` frozen, so no caller can change the copy every later read returns. */
function frozen(record: SessionRecord | undefined): SessionRecord | undefined {
	return record === undefined ? undefined : Object.freeze(record);
}
