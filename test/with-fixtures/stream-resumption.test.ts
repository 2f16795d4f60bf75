/**
 * SSE polling and resumability in a 2025-11-25 session (SEP-1699): a priming
 * event with an id, empty data and `retry`; a stream the server cuts mid-call
 * resumed by GET with `Last-Event-ID` from the session's event log, with only
 * that stream's events; and the log erased with the session.
 */
import { evictDurableObject, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SSE_RETRY_MS } from "../../src/session/session-connection";
import { StorageKey } from "../../src/session/session-store";
import { requestRows } from "../helpers/d1";
import {
	deleteSession,
	expectErrorResponse,
	fetchWorker,
	initialize,
	MCP_URL,
	PROTOCOL_VERSION,
	post,
	rpc,
	sessionStub,
	syncMirror,
} from "../helpers/mcp";
import { SseReader } from "../helpers/sse";

/** GET /mcp resuming `sessionId`'s stream after `lastEventId`. */
function resume(sessionId: string, lastEventId: string): Promise<Response> {
	return fetchWorker(MCP_URL, {
		method: "GET",
		headers: {
			accept: "text/event-stream",
			"mcp-session-id": sessionId,
			"mcp-protocol-version": PROTOCOL_VERSION,
			"last-event-id": lastEventId,
		},
	});
}

/** Calls `test_reconnection`, which cuts its stream; returns the call and the priming event seen. */
async function cutCall(sessionId: string) {
	const request = rpc("tools/call", { name: "test_reconnection", arguments: {} });
	const response = await post(request, { session: sessionId });
	expect(response.status).toBe(200);
	const events = await new SseReader(response).rest();
	return { request, events };
}

/** The number of event-log keys in the session object's storage. */
function storedEvents(sessionId: string): Promise<number> {
	return runInDurableObject(sessionStub(sessionId), (_instance, state) => {
		return [...state.storage.kv.list({ prefix: StorageKey.EventPrefix })].length;
	});
}

describe("SSE streams of a 2025-11-25 session", () => {
	it("start with a priming event: an id, a retry interval and empty data", async () => {
		const { sessionId } = await initialize();
		const response = await post(rpc("ping"), { session: sessionId });
		const events = await new SseReader(response).rest();
		expect(events[0]).toEqual({
			id: expect.stringMatching(/^\d+$/),
			retry: SSE_RETRY_MS,
			data: "",
		});
		expect(JSON.parse(events[1]?.data ?? "null")).toMatchObject({ result: {} });
		expect(events[1]?.id).toMatch(/^\d+$/);
	});

	it("have no priming event for a 2025-06-18 client, which cannot read empty data", async () => {
		const response = await post(
			rpc("initialize", {
				protocolVersion: "2025-06-18",
				capabilities: {},
				clientInfo: { name: "older", version: "1" },
			}),
			{ version: null },
		);
		const events = await new SseReader(response).rest();
		expect(events).toHaveLength(1);
		expect(events[0]?.data).not.toBe("");
	});
});

describe("a stream cut by the server mid-call", () => {
	it("ends after its priming event, and GET with Last-Event-ID replays the result", async () => {
		const { sessionId } = await initialize();
		const { request, events } = await cutCall(sessionId);
		expect(events).toEqual([{ id: expect.any(String), retry: SSE_RETRY_MS, data: "" }]);
		const primingId = events[0]?.id as string;

		const resumed = await resume(sessionId, primingId);
		expect(resumed.status).toBe(200);
		expect(resumed.headers.get("content-type")).toBe("text/event-stream");
		expect(resumed.headers.get("mcp-session-id")).toBe(sessionId);
		const stream = new SseReader(resumed);
		const result = await stream.nextMessage();
		expect(result.id).toBe(request.id);
		expect(result.result?.isError).toBeUndefined();
		expect(result.eventId).toMatch(/^\d+$/);
		// The request is done, so the resumed stream ends after the replay.
		expect(await stream.rest()).toEqual([]);

		// Resuming again after the result's own id replays nothing more.
		const after = await resume(sessionId, result.eventId as string);
		expect(after.status).toBe(200);
		expect(await new SseReader(after).rest()).toEqual([]);

		await syncMirror(sessionId);
		const rows = await requestRows(sessionId);
		expect(rows.filter((row) => row.tool_name === "test_reconnection")).toHaveLength(1);
	});

	it("replays only the events of the stream that was cut", async () => {
		const { sessionId } = await initialize();
		const { request, events } = await cutCall(sessionId);
		// Another request's events land in the log after the cut stream's priming event.
		const other = await post(rpc("tools/list"), { session: sessionId });
		await other.text();

		// While the call still runs, the resumed stream stays open until its result.
		const replayed = await new SseReader(await resume(sessionId, events[0]?.id as string)).rest();
		const messages = replayed.map((event) => JSON.parse(event.data) as { id?: unknown });
		expect(messages.map((message) => message.id)).toEqual([request.id]);
	});

	it("is replayed from storage after the session object was evicted", async () => {
		const { sessionId } = await initialize();
		const { request, events } = await cutCall(sessionId);
		const primingId = events[0]?.id as string;
		// The first resumption waits for the result, so the call is over before the eviction.
		const live = await new SseReader(await resume(sessionId, primingId)).rest();
		await evictDurableObject(sessionStub(sessionId));

		const replayed = await new SseReader(await resume(sessionId, primingId)).rest();
		expect(replayed).toEqual(live);
		expect(JSON.parse(replayed[0]?.data ?? "null")).toMatchObject({ id: request.id });
	});

	it("refuses an unknown event id (400) and an unknown session (404)", async () => {
		const { sessionId } = await initialize();
		await expectErrorResponse(await resume(sessionId, "999999"), 400, -32000);
		await expectErrorResponse(await resume(sessionId, "not-an-id"), 400, -32000);
		await expectErrorResponse(await resume("A".repeat(32), "1"), 404, -32001);
	});

	it("GET without Last-Event-ID still answers 405: no standalone stream", async () => {
		const { sessionId } = await initialize();
		const response = await fetchWorker(MCP_URL, {
			method: "GET",
			headers: { accept: "text/event-stream", "mcp-session-id": sessionId },
		});
		await expectErrorResponse(response, 405, -32000);
	});
});

describe("the event log", () => {
	it("is erased with the session", async () => {
		const { sessionId } = await initialize();
		await cutCall(sessionId);
		expect(await storedEvents(sessionId)).toBeGreaterThan(0);

		expect((await deleteSession(sessionId)).status).toBe(204);
		expect(await syncMirror(sessionId)).toBe(0);
		expect(await storedEvents(sessionId)).toBe(0);
		await runInDurableObject(sessionStub(sessionId), (_instance, state) => {
			expect([...state.storage.kv.list()]).toEqual([]);
		});
		const ids = await listDurableObjectIds(env.MCP_SESSION);
		expect(ids.some((id) => id.equals(env.MCP_SESSION.idFromName(sessionId)))).toBe(true);
	});
});
