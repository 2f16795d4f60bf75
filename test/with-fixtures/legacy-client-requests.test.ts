/**
 * Server-to-client requests in a 2025 session: a fixture tool written in the
 * input-required style asks the client something (elicitation, sampling,
 * roots) on its own POST's SSE stream; the client answers in a separate POST
 * of the same session, which reaches the waiting call through the session
 * object; the result then arrives on the original stream.
 */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { requestRows } from "../helpers/d1";
import {
	deleteSession,
	type JsonRpcMessage,
	post,
	rpc,
	sessionStub,
	syncMirror,
} from "../helpers/mcp";
import { SseReader } from "../helpers/sse";

/** Opens a 2025-11-25 session whose client declares `capabilities`. */
async function openSession(capabilities: Record<string, unknown>): Promise<string> {
	const response = await post(
		rpc("initialize", {
			protocolVersion: "2025-11-25",
			capabilities,
			clientInfo: { name: "legacy-test", version: "1.0.0" },
		}),
		{ version: null },
	);
	expect(response.status).toBe(200);
	await response.text();
	return response.headers.get("mcp-session-id") as string;
}

/** Calls `name` and returns the request, its open SSE stream, and the stream's first message. */
async function startCall(sessionId: string, name: string, args: Record<string, unknown> = {}) {
	const request = rpc("tools/call", { name, arguments: args });
	const response = await post(request, { session: sessionId });
	expect(response.status).toBe(200);
	expect(response.headers.get("content-type")).toBe("text/event-stream");
	const stream = new SseReader(response);
	return { request, stream, first: await stream.nextMessage() };
}

/** POSTs the client's answer to the server's request `asked`: 202, nothing in the body. */
async function answer(sessionId: string, asked: JsonRpcMessage, result: Record<string, unknown>) {
	const response = await post({ jsonrpc: "2.0", id: asked.id, result }, { session: sessionId });
	expect(response.status).toBe(202);
	expect(await response.text()).toBe("");
}

/** [status, error message] of the session's `tools/call` rows in D1, once the mirror is current. */
async function toolCallOutcomes(sessionId: string): Promise<Array<[string, string | null]>> {
	await syncMirror(sessionId);
	return (await requestRows(sessionId))
		.filter((row) => row.method === "tools/call")
		.map((row) => [row.status, row.error_message]);
}

function textOf(message: JsonRpcMessage): string | undefined {
	return (message.result?.content as Array<{ text?: string }> | undefined)?.[0]?.text;
}

describe("a server-to-client request in a legacy session", () => {
	it("elicitation: the answer POST reaches the waiting call, whose result arrives on the original stream", async () => {
		const sessionId = await openSession({ elicitation: {} });
		const { request, stream, first } = await startCall(sessionId, "test_elicitation", {
			message: "Who are you?",
		});
		expect(first.method).toBe("elicitation/create");
		expect(first.params).toMatchObject({
			message: "Who are you?",
			requestedSchema: { required: ["username", "email"] },
		});
		expect(first.id).toBeDefined();

		await answer(sessionId, first, {
			action: "accept",
			content: { username: "ada", email: "ada@example.com" },
		});
		const result = await stream.nextMessage();
		expect(result.id).toBe(request.id);
		expect(textOf(result)).toBe(
			'User response: action=accept, content={"username":"ada","email":"ada@example.com"}',
		);
		expect(await stream.rest()).toEqual([]);

		// One row for the call; the answer is not a request of the client's.
		expect(await syncMirror(sessionId)).toBe(0);
		const rows = await requestRows(sessionId);
		expect(rows.map((row) => [row.method, row.tool_name, row.status])).toEqual([
			["initialize", null, "success"],
			["tools/call", "test_elicitation", "success"],
		]);
	});

	it("sampling: the client's completion comes back into the call", async () => {
		const sessionId = await openSession({ sampling: {} });
		const { request, stream, first } = await startCall(sessionId, "test_sampling", {
			prompt: "Say hi",
		});
		expect(first.method).toBe("sampling/createMessage");
		expect(first.params).toMatchObject({
			maxTokens: 100,
			messages: [{ role: "user", content: { type: "text", text: "Say hi" } }],
		});
		await answer(sessionId, first, {
			role: "assistant",
			content: { type: "text", text: "hi!" },
			model: "test-model",
		});
		const result = await stream.nextMessage();
		expect(result.id).toBe(request.id);
		expect(textOf(result)).toBe("LLM response: hi!");
	});

	it("roots: the client's roots come back into the call", async () => {
		const sessionId = await openSession({ roots: {} });
		const { request, stream, first } = await startCall(
			sessionId,
			"test_input_required_result_list_roots",
		);
		expect(first.method).toBe("roots/list");
		await answer(sessionId, first, { roots: [{ uri: "file:///work", name: "work" }] });
		const result = await stream.nextMessage();
		expect(result.id).toBe(request.id);
		expect(textOf(result)).toBe("Client exposed 1 root(s): file:///work");
	});

	it("a declined elicitation reaches the call as the user's action", async () => {
		const sessionId = await openSession({ elicitation: {} });
		const { stream, first } = await startCall(sessionId, "test_elicitation_sep1034_defaults");
		expect(first.params).toMatchObject({
			requestedSchema: { properties: { name: { default: "John Doe" } } },
		});
		await answer(sessionId, first, { action: "decline" });
		expect(textOf(await stream.nextMessage())).toBe(
			"Elicitation completed: action=decline, content={}",
		);
	});

	it("is refused with an isError result, sending nothing, when the client lacks the capability", async () => {
		const sessionId = await openSession({ roots: {} });
		for (const [name, args] of [
			["test_elicitation", { message: "Who are you?" }],
			["test_sampling", { prompt: "hi" }],
		] as const) {
			const { request, stream, first } = await startCall(sessionId, name, args);
			expect(first.id, name).toBe(request.id);
			expect(first.method, name).toBeUndefined();
			expect(first.result?.isError, name).toBe(true);
			expect(textOf(first)).toMatch(/did not declare the required capability/);
			expect(await stream.rest()).toEqual([]);
		}
		expect((await toolCallOutcomes(sessionId)).map(([status]) => status)).toEqual([
			"error",
			"error",
		]);
	});

	it("works in a session restored after its object was evicted (capabilities from the stored handshake)", async () => {
		const withElicitation = await openSession({ elicitation: {} });
		const without = await openSession({});
		await evictDurableObject(sessionStub(withElicitation));
		await evictDurableObject(sessionStub(without));

		const { stream, first } = await startCall(withElicitation, "test_elicitation", {
			message: "Still there?",
		});
		expect(first.method).toBe("elicitation/create");
		await answer(withElicitation, first, { action: "cancel" });
		expect(textOf(await stream.nextMessage())).toBe("User response: action=cancel, content={}");

		const refused = await startCall(without, "test_elicitation", { message: "Still there?" });
		expect(refused.first.result?.isError).toBe(true);
	});

	it("a call the client cancels while it waits is recorded once, as cancelled", async () => {
		const sessionId = await openSession({ elicitation: {} });
		const { request, stream, first } = await startCall(sessionId, "test_elicitation", {
			message: "Never mind",
		});
		expect(first.method).toBe("elicitation/create");
		const cancelled = await post(
			{ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: request.id } },
			{ session: sessionId },
		);
		expect(cancelled.status).toBe(202);
		await stream.cancel();
		// A late answer finds nobody waiting, and records nothing.
		await answer(sessionId, first, { action: "accept", content: { username: "x", email: "y" } });

		expect(await toolCallOutcomes(sessionId)).toEqual([["error", "Cancelled by the client"]]);
	});

	it("a call still waiting when the session ends is cut off, its stream closed, and recorded once", async () => {
		const sessionId = await openSession({ elicitation: {} });
		const { stream, first } = await startCall(sessionId, "test_elicitation", { message: "Hello?" });
		expect(first.method).toBe("elicitation/create");
		expect((await deleteSession(sessionId)).status).toBe(204);
		expect(await stream.rest()).toEqual([]);

		expect(await toolCallOutcomes(sessionId)).toEqual([
			["error", "Connection closed before the response"],
		]);
	});

	it("an answer for a request nobody is waiting for changes nothing", async () => {
		const sessionId = await openSession({ elicitation: {} });
		await answer(sessionId, { jsonrpc: "2.0", id: 987_654 }, { action: "accept", content: {} });
		const ping = await post(rpc("ping"), { session: sessionId });
		expect(ping.status).toBe(200);
	});
});
