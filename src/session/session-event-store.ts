/**
 * The SSE event log of one session: the MCP SDK's `EventStore` over the
 * session object's storage. Every message the transport writes to an SSE
 * stream is logged first, so a client whose stream was cut (the server
 * closed it to make the client poll, a proxy dropped it, the object
 * restarted) reconnects with `Last-Event-ID` and gets what it missed on that
 * stream, and only that stream (2025-11-25 basic/transports, resumability
 * and redelivery; SEP-1699).
 *
 * Events are numbered per session, so their keys sort in the order they were
 * written and the oldest are pruned first. The log is bounded in count, size
 * and age (the constants below); every scan is capped at `MAX_EVENTS`. It is
 * erased with the rest of the session's storage (`forget`).
 *
 * The log's position and the time and size of the events this instance wrote
 * are held in memory too, so storing an event (twice per tool call: the
 * priming event and the response) writes storage but reads none; an instance
 * that did not write an event reads it back once when pruning it.
 */
import type { EventId, EventStore, JSONRPCMessage, StreamId } from "@modelcontextprotocol/server";
import { StorageKey } from "./session-store";

/** Events a session keeps; the oldest are pruned beyond it. */
export const MAX_EVENTS = 512;

/** Total size of the kept messages (4 MiB of JSON); the oldest are pruned beyond it. */
export const MAX_EVENT_LOG_BYTES = 4 * 1024 * 1024;

/**
 * Largest message kept for replay (256 KiB of JSON, well under the 2 MiB a
 * Durable Object storage value may hold). A larger one is delivered live
 * only: its event id replays nothing.
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Age after which an event is neither replayed nor kept (10 minutes, the longest the server waits for a client's answer). */
export const MAX_EVENT_AGE_MS = 10 * 60 * 1000;

/** Old events deleted per stored one: the log shrinks faster than it grows, so one write never does unbounded work. */
const PRUNE_PER_STORE = 32;

/** Digits of the sequence number in an event key, so keys sort numerically. */
const SEQUENCE_DIGITS = 12;

/** Position of the log, stored under `StorageKey.EventLog`. */
interface EventLogState {
	/** Sequence number the next event gets. */
	readonly next: number;
	/** Sequence number of the oldest kept event (`next` when the log is empty). */
	readonly oldest: number;
	/** Bytes of JSON held by the kept events. */
	readonly bytes: number;
}

/** One logged event, stored under `event:<sequence>`. */
interface StoredEvent {
	readonly stream: StreamId;
	/** Epoch ms at which it was written. */
	readonly at: number;
	readonly bytes: number;
	/** The message, or null when it was too large to keep. */
	readonly message: JSONRPCMessage | null;
}

const EMPTY_LOG: EventLogState = { next: 1, oldest: 1, bytes: 0 };

/** What pruning needs of a stored event: when it was written and the bytes it holds. */
type EventSize = Pick<StoredEvent, "at" | "bytes">;

/** The session's event log; event ids are decimal sequence numbers. */
export class SessionEventStore implements EventStore {
	readonly #kv: SyncKvStorage;
	readonly #now: () => number;
	#paused = false;
	/** `event-log` as stored; absent until first read. */
	#position: EventLogState | undefined;
	/** Time and size of the kept events this instance wrote, by sequence number (at most `MAX_EVENTS`). */
	readonly #sizes = new Map<number, EventSize>();

	constructor(storage: DurableObjectStorage, now: () => number = Date.now) {
		this.#kv = storage.kv;
		this.#now = now;
	}

	async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
		if (this.#paused) return "0";
		const now = this.#now();
		const bytes = new TextEncoder().encode(JSON.stringify(message)).byteLength;
		const kept = bytes <= MAX_EVENT_BYTES;
		const log = this.#log();
		const event: StoredEvent = {
			stream: streamId,
			at: now,
			bytes: kept ? bytes : 0,
			message: kept ? message : null,
		};
		this.#kv.put(eventKey(log.next), event);
		this.#sizes.set(log.next, { at: now, bytes: event.bytes });
		const position = this.#prune(
			{ next: log.next + 1, oldest: log.oldest, bytes: log.bytes + event.bytes },
			now,
		);
		this.#kv.put(StorageKey.EventLog, position);
		this.#position = position;
		return String(log.next);
	}

	/** Forgets what is held in memory: the session's storage was erased. */
	forget(): void {
		this.#position = undefined;
		this.#sizes.clear();
	}

	async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
		return this.#event(eventId)?.stream;
	}

	async replayEventsAfter(
		lastEventId: EventId,
		{ send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
	): Promise<StreamId> {
		const last = this.#event(lastEventId);
		if (!last) throw new Error("Unknown or expired event id");
		const after = Number(lastEventId) + 1;
		// Read before sending: the listing is bounded, and sending must not interleave with a cursor.
		const entries = [
			...this.#kv.list<StoredEvent>({
				start: eventKey(after),
				prefix: StorageKey.EventPrefix,
				limit: MAX_EVENTS,
			}),
		];
		const oldestAllowed = this.#now() - MAX_EVENT_AGE_MS;
		for (const [key, event] of entries) {
			// Another stream's events, the empty priming events, and messages too large to keep are skipped.
			if (event.stream !== last.stream || event.at < oldestAllowed) continue;
			if (event.message === null || Object.keys(event.message).length === 0) continue;
			await send(String(Number(key.slice(StorageKey.EventPrefix.length))), event.message);
		}
		return last.stream;
	}

	/**
	 * Runs `work` without logging what it writes: for messages the server
	 * replays to itself when it restores a session, which no client will resume.
	 */
	async unlogged<T>(work: () => Promise<T>): Promise<T> {
		this.#paused = true;
		try {
			return await work();
		} finally {
			this.#paused = false;
		}
	}

	/** The live event `eventId` names, or undefined when it is malformed, pruned or too old. */
	#event(eventId: EventId): StoredEvent | undefined {
		if (!new RegExp(`^[1-9]\\d{0,${SEQUENCE_DIGITS - 1}}$`).test(eventId)) return undefined;
		const sequence = Number(eventId);
		const log = this.#log();
		if (sequence < log.oldest || sequence >= log.next) return undefined;
		const event = this.#kv.get<StoredEvent>(eventKey(sequence));
		if (!event || event.at < this.#now() - MAX_EVENT_AGE_MS) return undefined;
		return event;
	}

	#log(): EventLogState {
		this.#position ??= this.#kv.get<EventLogState>(StorageKey.EventLog) ?? EMPTY_LOG;
		return this.#position;
	}

	/** Deletes the oldest events while the log is over a bound, at most `PRUNE_PER_STORE` of them. */
	#prune(log: EventLogState, now: number): EventLogState {
		let { oldest, bytes } = log;
		for (let deleted = 0; deleted < PRUNE_PER_STORE && oldest < log.next; deleted++) {
			const event = this.#sizes.get(oldest) ?? this.#kv.get<StoredEvent>(eventKey(oldest));
			const over =
				log.next - oldest > MAX_EVENTS ||
				bytes > MAX_EVENT_LOG_BYTES ||
				event === undefined ||
				event.at < now - MAX_EVENT_AGE_MS;
			if (!over) break;
			this.#kv.delete(eventKey(oldest));
			this.#sizes.delete(oldest);
			bytes -= event?.bytes ?? 0;
			oldest++;
		}
		return { next: log.next, oldest, bytes };
	}
}

function eventKey(sequence: number): string {
	return `${StorageKey.EventPrefix}${String(sequence).padStart(SEQUENCE_DIGITS, "0")}`;
}
