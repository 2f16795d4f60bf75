/**
 * Multi-round-trip requests on the 2026-07-28 wire, driven straight through
 * `createMcpServer` behind the SDK's `createMcpHandler` (as the modern lane
 * serves it): `input_required` with a sealed `requestState`, the retry that
 * completes, and the state refused with -32602 when it is tampered with,
 * expired, minted for another user, or echoed to another method.
 */

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	callerAuthInfo,
	REQUEST_STATE_TTL_SECONDS,
	requestStateCodec,
} from "../src/mcp/request-state";
import { createMcpServer } from "../src/mcp/server";
import worker from "../src/worker";
import type { JsonRpcMessage } from "./helpers/mcp";

const MODERN = "2026-07-28";

const handler = createMcpHandler(
	() =>
		createMcpServer({
			env: { ...env, CONFORMANCE: "on" },
			session: () => undefined,
			role: () => null,
		}),
	{ legacy: "reject" },
);

let nextId = 1;

/** One modern request (headers and `_meta` envelope as the 2026-07-28 client sends them) from `userId`. */
async function modern(
	method: string,
	params: Record<string, unknown>,
	userId: string | null = "user-a",
): Promise<{ status: number; message: JsonRpcMessage }> {
	const name: Record<string, string> =
		typeof params.name === "string" ? { "mcp-name": params.name } : {};
	const request = new Request("http://localhost/mcp", {
		method: "POST",
		headers: {
			"content-type": "application/json",
			accept: "application/json, text/event-stream",
			"mcp-protocol-version": MODERN,
			"mcp-method": method,
			...name,
		},
		body: JSON.stringify({
			jsonrpc: "2.0",
			id: nextId++,
			method,
			params: {
				...params,
				_meta: {
					"io.modelcontextprotocol/protocolVersion": MODERN,
					"io.modelcontextprotocol/clientInfo": { name: "modern-test", version: "1.0.0" },
					"io.modelcontextprotocol/clientCapabilities": {
						elicitation: {},
						sampling: {},
						roots: {},
					},
				},
			},
		}),
	});
	const response = await handler.fetch(request, { authInfo: callerAuthInfo(userId) });
	const text = await response.text();
	const data = response.headers.get("content-type")?.startsWith("text/event-stream")
		? text
				.split("\n")
				.filter((line) => line.startsWith("data: ") && line.length > 6)
				.map((line) => line.slice(6))
				.at(-1)
		: text;
	return { status: response.status, message: JSON.parse(data ?? "null") as JsonRpcMessage };
}

/** Round 1 of `tool`: its input_required result. */
async function firstRound(tool: string, userId: string | null = "user-a") {
	const { status, message } = await modern("tools/call", { name: tool, arguments: {} }, userId);
	expect(status).toBe(200);
	expect(message.result?.resultType).toBe("input_required");
	return message.result as { requestState: string; inputRequests: Record<string, unknown> };
}

const CONFIRMED = { confirm: { action: "accept", content: { ok: true } } };

/** The text of a complete tool result. */
function textOf(message: JsonRpcMessage): string | undefined {
	return (message.result?.content as Array<{ text: string }> | undefined)?.[0]?.text;
}

function retry(tool: string, requestState: string, userId: string | null = "user-a") {
	return modern(
		"tools/call",
		{ name: tool, arguments: {}, inputResponses: CONFIRMED, requestState },
		userId,
	);
}

afterEach(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});

describe("input_required on the 2026-07-28 wire", () => {
	it("asks with inputRequests and a sealed requestState, and completes on the retry", async () => {
		const round = await firstRound("test_input_required_result_request_state");
		expect(round.inputRequests).toMatchObject({
			confirm: { method: "elicitation/create", params: { message: "Please confirm" } },
		});
		expect(round.requestState).toMatch(/^v1\.[\w-]+\.[\w-]+$/);

		const { status, message } = await retry(
			"test_input_required_result_request_state",
			round.requestState,
		);
		expect(status).toBe(200);
		expect(message.error).toBeUndefined();
		expect(message.result?.resultType).toBe("complete");
		expect(textOf(message)).toMatch(/^state-ok/);
	});

	it("carries a flow across rounds in state that changes every round", async () => {
		const tool = "test_input_required_result_multi_round";
		const first = await firstRound(tool);
		const second = await modern("tools/call", {
			name: tool,
			arguments: {},
			inputResponses: { step1: { action: "accept", content: { name: "Ada" } } },
			requestState: first.requestState,
		});
		const state2 = second.message.result?.requestState as string;
		expect(second.message.result?.resultType).toBe("input_required");
		expect(state2).not.toBe(first.requestState);
		const third = await modern("tools/call", {
			name: tool,
			arguments: {},
			inputResponses: { step2: { action: "accept", content: { color: "green" } } },
			requestState: state2,
		});
		expect(textOf(third.message)).toBe("Multi-round complete: Ada likes green");
	});
});

describe("requestState that fails verification is refused with -32602", () => {
	const tool = "test_input_required_result_tampered_state";

	/** Asserts the SDK's refusal: a JSON-RPC -32602 for the request, nothing served. */
	function expectRefused(reply: { status: number; message: JsonRpcMessage }) {
		expect(reply.message.result).toBeUndefined();
		expect(reply.message.error?.code).toBe(-32602);
		expect(reply.message.error?.message).toBe("Invalid or expired requestState");
	}

	it("when tampered with", async () => {
		const { requestState } = await firstRound(tool);
		const [version, body, mac] = requestState.split(".") as [string, string, string];
		const payload = JSON.parse(atob(body.replaceAll("-", "+").replaceAll("_", "/"))) as Record<
			string,
			unknown
		>;
		const forged = btoa(JSON.stringify({ ...payload, p: { tool: "other" } }))
			.replaceAll("+", "-")
			.replaceAll("/", "_")
			.replace(/=+$/, "");
		expectRefused(await retry(tool, `${version}.${forged}.${mac}`));
		expectRefused(await retry(tool, `${requestState}-TAMPERED`));
		expectRefused(await retry(tool, "not-a-state"));
	});

	it("when expired", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const { requestState } = await firstRound(tool);
		vi.setSystemTime(Date.now() + (REQUEST_STATE_TTL_SECONDS - 5) * 1000);
		expect((await retry(tool, requestState)).message.result?.resultType).toBe("complete");
		vi.setSystemTime(Date.now() + 10 * 1000);
		expectRefused(await retry(tool, requestState));
	});

	it("when minted for another user, or for an anonymous caller", async () => {
		const { requestState } = await firstRound(tool, "user-a");
		expectRefused(await retry(tool, requestState, "user-b"));
		expectRefused(await retry(tool, requestState, null));
		const anonymous = await firstRound(tool, null);
		expectRefused(await retry(tool, anonymous.requestState, "user-a"));
		// The same user's retry is accepted.
		const accepted = await retry(tool, requestState, "user-a");
		expect(accepted.message.result?.resultType).toBe("complete");
	});

	it("when echoed to another method", async () => {
		const { requestState } = await firstRound(tool);
		expectRefused(
			await modern("prompts/get", {
				name: "test_input_required_result_prompt",
				inputResponses: { user_context: { action: "accept", content: { context: "x" } } },
				requestState,
			}),
		);
	});
});

describe("the request-state key", () => {
	it("must be set, and be at least 32 bytes: a 503 for the client, what to fix in the log", () => {
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		expect(() => requestStateCodec({ REQUEST_STATE_KEY: undefined })).toThrow(
			expect.objectContaining({ status: 503, code: -32603 }),
		);
		expect(logged.mock.calls.at(-1)?.join(" ")).toMatch(
			/REQUEST_STATE_KEY is not set.*wrangler secret put REQUEST_STATE_KEY/,
		);
		expect(() => requestStateCodec({ REQUEST_STATE_KEY: "short" })).toThrow(
			expect.objectContaining({ status: 503 }),
		);
		expect(logged.mock.calls.at(-1)?.join(" ")).toMatch(/at least 32 bytes/);
		expect(requestStateCodec(env)).toBe(
			requestStateCodec({ REQUEST_STATE_KEY: env.REQUEST_STATE_KEY }),
		);
	});

	it("a server without it answers every MCP POST 503 with a JSON-RPC error, and nothing is served", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const request = new Request("http://localhost/mcp", {
			method: "POST",
			headers: {
				"content-type": "application/json",
				accept: "application/json, text/event-stream",
			},
			body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
		});
		const unkeyed = { ...env, REQUEST_STATE_KEY: undefined };
		const incoming = request as Request<unknown, IncomingRequestCfProperties>;
		const response = await worker.fetch(incoming, unkeyed, createExecutionContext());
		expect(response.status).toBe(503);
		expect(response.headers.get("mcp-session-id")).toBeNull();
		expect(await response.json()).toMatchObject({ error: { code: -32603 } });
	});
});
