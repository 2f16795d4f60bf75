/**
 * What a 2025 client sets in its session lives in the session record, so it
 * holds after the object is evicted: the `logging/setLevel` level (which
 * filters `test_tool_with_logging`) and `resources/subscribe` subscriptions.
 * A new handshake (resuming with the same id) starts both over.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/session/session-record";
import { StorageKey } from "../../src/session/session-store";
import {
	expectErrorResponse,
	initialize,
	initializeRequest,
	post,
	readMessages,
	readResult,
	rpc,
	sessionStub,
} from "../helpers/mcp";

/** The session's stored record. */
function storedRecord(sessionId: string): Promise<SessionRecord | undefined> {
	return runInDurableObject(sessionStub(sessionId), (_instance, state) =>
		state.storage.kv.get<SessionRecord>(StorageKey.Session),
	);
}

/** The data of the log messages `test_tool_with_logging` sends in `sessionId`. */
async function logsOfOneCall(sessionId: string): Promise<unknown[]> {
	const response = await post(
		rpc("tools/call", { name: "test_tool_with_logging", arguments: {} }),
		{ session: sessionId },
	);
	const messages = await readMessages(response);
	expect(messages.at(-1)?.result).toBeDefined();
	return messages
		.filter((message) => message.method === "notifications/message")
		.map((message) => message.params?.data);
}

async function setLevel(sessionId: string, level: string) {
	return readResult(await post(rpc("logging/setLevel", { level }), { session: sessionId }));
}

describe("the log level a client sets", () => {
	it("is stored, filters the server's log messages, and still does after an eviction", async () => {
		const { sessionId } = await initialize();
		expect(await logsOfOneCall(sessionId)).toHaveLength(3);

		expect((await setLevel(sessionId, "warning")).error).toBeUndefined();
		expect((await storedRecord(sessionId))?.logLevel).toBe("warning");
		expect(await logsOfOneCall(sessionId)).toEqual([]);

		await evictDurableObject(sessionStub(sessionId));
		expect(await logsOfOneCall(sessionId)).toEqual([]);

		expect((await setLevel(sessionId, "debug")).error).toBeUndefined();
		await evictDurableObject(sessionStub(sessionId));
		expect(await logsOfOneCall(sessionId)).toHaveLength(3);
	});

	it("is not stored when it is not a level", async () => {
		const { sessionId } = await initialize();
		// SDK 2.4.0 answers a request that fails its schema with -32603.
		expect((await setLevel(sessionId, "loud")).error?.code).toBe(-32603);
		const record = await storedRecord(sessionId);
		expect(record).toBeDefined();
		expect(record?.logLevel).toBeUndefined();
	});

	it("starts over with a new handshake in the same session", async () => {
		const { sessionId } = await initialize();
		await setLevel(sessionId, "error");
		const resumed = await post(initializeRequest(), { archon: sessionId, version: null });
		expect(resumed.headers.get("mcp-session-id")).toBe(sessionId);
		await resumed.text();
		const record = await storedRecord(sessionId);
		expect(record).toBeDefined();
		expect(record?.logLevel).toBeUndefined();
		expect(await logsOfOneCall(sessionId)).toHaveLength(3);
	});
});

describe("resource subscriptions", () => {
	it("are stored in the record and survive an eviction", async () => {
		const { sessionId } = await initialize();
		const subscribe = (uri: string) =>
			post(rpc("resources/subscribe", { uri }), { session: sessionId }).then(readResult);
		expect((await subscribe("test://watched-resource")).result).toEqual({});
		expect((await subscribe("test://static-text")).result).toEqual({});
		expect((await subscribe("test://watched-resource")).result).toEqual({});
		expect((await storedRecord(sessionId))?.subscriptions).toEqual([
			"test://watched-resource",
			"test://static-text",
		]);

		await evictDurableObject(sessionStub(sessionId));
		const unsubscribed = await readResult(
			await post(rpc("resources/unsubscribe", { uri: "test://watched-resource" }), {
				session: sessionId,
			}),
		);
		expect(unsubscribed.result).toEqual({});
		expect((await storedRecord(sessionId))?.subscriptions).toEqual(["test://static-text"]);
	});

	it("are refused past the per-session limit with -32602", async () => {
		const { sessionId } = await initialize();
		await runInDurableObject(sessionStub(sessionId), (_instance, state) => {
			const record = state.storage.kv.get<SessionRecord>(StorageKey.Session) as SessionRecord;
			const full = Array.from({ length: 100 }, (_, index) => `test://template/${index}/data`);
			state.storage.kv.put(StorageKey.Session, { ...record, subscriptions: full });
		});
		// Written behind the object's back: evicted, it reads the record again.
		await evictDurableObject(sessionStub(sessionId));
		const refused = await readResult(
			await post(rpc("resources/subscribe", { uri: "test://watched-resource" }), {
				session: sessionId,
			}),
		);
		expect(refused.error?.code).toBe(-32602);
		expect((await storedRecord(sessionId))?.subscriptions).toHaveLength(100);
	});

	it("are not served once the session has ended", async () => {
		const { sessionId } = await initialize();
		await sessionStub(sessionId).end(sessionId, "admin_terminated");
		const response = await post(rpc("resources/subscribe", { uri: "test://static-text" }), {
			session: sessionId,
		});
		await expectErrorResponse(response, 404, -32001);
	});
});
