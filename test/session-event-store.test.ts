/**
 * The session's SSE event log (src/session/session-event-store.ts) on a real
 * Durable Object's storage, with a clock the test moves: replay per stream,
 * and the bounds in count, size and age.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import {
	MAX_EVENT_AGE_MS,
	MAX_EVENT_BYTES,
	MAX_EVENT_LOG_BYTES,
	MAX_EVENTS,
	SessionEventStore,
} from "../src/session/session-event-store";
import { StorageKey } from "../src/session/session-store";

/** Runs `test` against an event store over a fresh object's storage, with a settable clock. */
function withStore(
	test: (
		store: SessionEventStore,
		clock: { now: number },
		storage: DurableObjectStorage,
	) => Promise<void>,
): Promise<void> {
	const stub = env.MCP_SESSION.get(env.MCP_SESSION.idFromName(crypto.randomUUID()));
	return runInDurableObject(stub, async (_instance, state) => {
		const clock = { now: 1_000_000 };
		await test(new SessionEventStore(state.storage, () => clock.now), clock, state.storage);
	});
}

function note(n: number): JSONRPCMessage {
	return { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: n } };
}

async function replayed(store: SessionEventStore, after: string) {
	const sent: Array<[string, JSONRPCMessage]> = [];
	const stream = await store.replayEventsAfter(after, {
		send: async (id, message) => {
			sent.push([id, message]);
		},
	});
	return { stream, sent };
}

/** A message just under MAX_EVENT_BYTES, numbered `n`. */
function large(n: number): JSONRPCMessage {
	return {
		jsonrpc: "2.0",
		method: "notifications/message",
		params: { level: "info", data: `${n}:${"y".repeat(MAX_EVENT_BYTES - 200)}` },
	};
}

/** How many large messages fit in the log's byte bound. */
const LARGE_THAT_FIT = Math.floor(MAX_EVENT_LOG_BYTES / (MAX_EVENT_BYTES - 100));

function eventKeys(storage: DurableObjectStorage): number {
	return [...storage.kv.list({ prefix: StorageKey.EventPrefix })].length;
}

describe("the session event log", () => {
	it("replays, in order, only the later events of the stream the id belongs to", () =>
		withStore(async (store) => {
			const priming = await store.storeEvent("a", {} as JSONRPCMessage);
			await store.storeEvent("b", note(1));
			const second = await store.storeEvent("a", note(2));
			await store.storeEvent("b", note(3));
			await store.storeEvent("a", note(4));

			expect(await store.getStreamIdForEventId(priming)).toBe("a");
			const { stream, sent } = await replayed(store, priming);
			expect(stream).toBe("a");
			expect(sent).toEqual([
				[second, note(2)],
				[String(Number(second) + 2), note(4)],
			]);
		}));

	it("keeps at most MAX_EVENTS events, pruning the oldest", () =>
		withStore(async (store, _clock, storage) => {
			const ids: string[] = [];
			for (let n = 0; n < MAX_EVENTS + 40; n++) ids.push(await store.storeEvent("s", note(n)));
			expect(eventKeys(storage)).toBe(MAX_EVENTS);
			expect(await store.getStreamIdForEventId(ids[0] as string)).toBeUndefined();
			expect(await store.getStreamIdForEventId(ids[39] as string)).toBeUndefined();
			const oldestKept = ids[40] as string;
			expect(await store.getStreamIdForEventId(oldestKept)).toBe("s");
			expect((await replayed(store, oldestKept)).sent).toHaveLength(MAX_EVENTS - 1);
		}));

	it("delivers a message over MAX_EVENT_BYTES live only: its id replays nothing", () =>
		withStore(async (store) => {
			const first = await store.storeEvent("s", note(1));
			const big: JSONRPCMessage = {
				jsonrpc: "2.0",
				id: 7,
				result: { content: [{ type: "text", text: "x".repeat(MAX_EVENT_BYTES) }] },
			};
			const bigId = await store.storeEvent("s", big);
			expect(bigId).toBe(String(Number(first) + 1));
			const after = await store.storeEvent("s", note(3));
			expect((await replayed(store, first)).sent).toEqual([[after, note(3)]]);
		}));

	it("keeps at most MAX_EVENT_LOG_BYTES of messages", () =>
		withStore(async (store, _clock, storage) => {
			const fit = LARGE_THAT_FIT;
			for (let n = 0; n < fit + 5; n++) await store.storeEvent("s", large(n));
			const log = storage.kv.get<{ bytes: number }>(StorageKey.EventLog);
			expect(log?.bytes).toBeLessThanOrEqual(MAX_EVENT_LOG_BYTES);
			expect(eventKeys(storage)).toBeLessThanOrEqual(fit);
		}));

	it("neither replays nor keeps events older than MAX_EVENT_AGE_MS", () =>
		withStore(async (store, clock, storage) => {
			const old = await store.storeEvent("s", note(1));
			await store.storeEvent("s", note(2));
			clock.now += MAX_EVENT_AGE_MS + 1;
			expect(await store.getStreamIdForEventId(old)).toBeUndefined();
			await expect(replayed(store, old)).rejects.toThrow(/Unknown or expired/);

			const fresh = await store.storeEvent("s", note(3));
			expect(eventKeys(storage)).toBe(1);
			expect(await store.getStreamIdForEventId(fresh)).toBe("s");
		}));

	it("answers malformed or future ids with nothing", () =>
		withStore(async (store) => {
			await store.storeEvent("s", note(1));
			for (const id of ["", "0", "01", "-1", "1.5", "abc", "2", "9".repeat(13)]) {
				expect(await store.getStreamIdForEventId(id), id).toBeUndefined();
			}
		}));

	it("logs nothing while paused (a restore replaying its handshake)", () =>
		withStore(async (store, _clock, storage) => {
			await store.unlogged(async () => {
				expect(await store.storeEvent("s", note(1))).toBe("0");
			});
			expect(eventKeys(storage)).toBe(0);
		}));

	it("goes on after a restart: numbering continues, and events an earlier instance wrote are pruned by size", () =>
		withStore(async (first, clock, storage) => {
			const fit = LARGE_THAT_FIT;
			let last = "";
			for (let n = 0; n < fit; n++) last = await first.storeEvent("s", large(n));
			// A new instance over the same storage holds nothing in memory.
			const second = new SessionEventStore(storage, () => clock.now);
			const next = await second.storeEvent("s", large(fit));
			expect(next).toBe(String(Number(last) + 1));
			const log = storage.kv.get<{ bytes: number; oldest: number }>(StorageKey.EventLog);
			expect(log?.bytes).toBeLessThanOrEqual(MAX_EVENT_LOG_BYTES);
			expect(log?.oldest).toBeGreaterThan(1);
			expect(eventKeys(storage)).toBeLessThanOrEqual(fit);
			expect((await replayed(second, last)).sent).toEqual([[next, large(fit)]]);
		}));

	it("starts over once the session's storage is erased and forgotten, with no bytes left counted", () =>
		withStore(async (store, _clock, storage) => {
			for (let n = 0; n < LARGE_THAT_FIT; n++) await store.storeEvent("s", large(n));
			await storage.deleteAll();
			store.forget();
			const first = await store.storeEvent("t", note(1));
			expect(first).toBe("1");
			// Had the erased events' bytes stayed counted, every new large event would be pruned at once.
			const kept = await store.storeEvent("t", large(0));
			const after = await store.storeEvent("t", note(2));
			expect(eventKeys(storage)).toBe(3);
			expect((await replayed(store, first)).sent).toEqual([
				[kept, large(0)],
				[after, note(2)],
			]);
		}));
});
