/**
 * The modern lane (MCP 2026-07-28) through the Worker: the front door's era
 * decision, the SDK's rules as our endpoint answers them, the guards both
 * lanes share, and the request log. Status, headers, JSON-RPC codes and D1 rows.
 */
import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { serveModern } from "../src/modern/modern-lane";
import { CANCELLED_BY_CLIENT } from "../src/modern/response-outcome";
import { modernRows, requestRows } from "./helpers/d1";
import { bearer, createUser, PUBLIC_MCP_URL } from "./helpers/identity";
import {
	expectErrorResponse,
	initialize,
	MCP_URL,
	readMessages,
	readResult,
	structured,
	syncMirror,
} from "./helpers/mcp";
import {
	envelope,
	fetchAndSettle,
	MODERN_VERSION,
	modernRequest,
	postModern,
} from "./helpers/modern";

/** A client name no other test uses, so its rows are this test's alone. */
function uniqueClient(label: string): string {
	return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The `serverInfo` every modern result carries in `_meta`. */
const SERVER_INFO = {
	"io.modelcontextprotocol/serverInfo": expect.objectContaining({ name: "archon-mcp-edge" }),
};

describe("the front door", () => {
	it("serves initialize in a session and a request with an envelope without one, waking no Durable Object", async () => {
		const { sessionId } = await initialize();
		const objects = (await listDurableObjectIds(env.MCP_SESSION)).length;

		const response = await postModern("tools/list");
		expect(response.status).toBe(200);
		expect(response.headers.get("mcp-session-id")).toBeNull();
		expect(response.headers.get("x-archon-session-id")).toBeNull();
		const answer = await readResult(response);
		expect(answer.result).toMatchObject({ resultType: "complete", _meta: SERVER_INFO });
		expect((await listDurableObjectIds(env.MCP_SESSION)).length).toBe(objects);
		expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
	});
});

describe("server/discover", () => {
	it("advertises the revision, capabilities and server, with cache hints", async () => {
		const client = uniqueClient("discover");
		const response = await postModern("server/discover", {}, { meta: envelope(client) });
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toContain("application/json");
		const { result } = await readResult(response);
		expect(result).toMatchObject({
			supportedVersions: expect.arrayContaining([MODERN_VERSION]),
			capabilities: { tools: expect.any(Object) },
			resultType: "complete",
			ttlMs: 300_000,
			cacheScope: "public",
			_meta: SERVER_INFO,
		});
		expect(await modernRows(client)).toEqual([
			expect.objectContaining({
				era: "modern",
				session_id: null,
				method: "server/discover",
				status: "success",
				client_version: "2.1.332",
				protocol_version: MODERN_VERSION,
			}),
		]);
	});
});

describe("results", () => {
	it("carry resultType and serverInfo; session_info says plainly there is no session", async () => {
		const client = uniqueClient("results");
		const meta = { meta: envelope(client, "9.9.9") };
		const health = await readResult(
			await postModern("tools/call", { name: "health_check", arguments: {} }, meta),
		);
		expect(health.result).toMatchObject({ resultType: "complete", _meta: SERVER_INFO });
		expect(structured(health.result ?? {})).toMatchObject({ status: "healthy" });

		const info = await readResult(
			await postModern("tools/call", { name: "session_info", arguments: {} }, meta),
		);
		expect(info.result).toMatchObject({ resultType: "complete", _meta: SERVER_INFO });
		expect(structured(info.result ?? {})).toMatchObject({
			era: "modern",
			session: null,
			note: expect.stringContaining("no protocol session"),
			user: null,
			clientName: client,
			clientVersion: "9.9.9",
			protocolVersion: MODERN_VERSION,
		});
		expect((await modernRows(client)).map((row) => row.tool_name)).toEqual([
			"health_check",
			"session_info",
		]);
	});
});

describe("header and body validation", () => {
	const cases: Array<{
		label: string;
		method?: string;
		params?: Record<string, unknown>;
		meta?: Record<string, unknown> | null;
		headers?: Record<string, string | null>;
		status: number;
		code: number;
	}> = [
		{
			label: "MCP-Protocol-Version header unlike the body's",
			headers: { "mcp-protocol-version": "2025-11-25" },
			status: 400,
			code: -32020,
		},
		{
			label: "Mcp-Method header unlike the body's method",
			headers: { "mcp-method": "prompts/list" },
			status: 400,
			code: -32020,
		},
		{
			label: "Mcp-Name header unlike the tool called",
			method: "tools/call",
			params: { name: "health_check", arguments: {} },
			headers: { "mcp-name": "session_info" },
			status: 400,
			code: -32020,
		},
		{
			label: "Mcp-Method header missing",
			headers: { "mcp-method": null },
			status: 400,
			code: -32020,
		},
		{
			label: "MCP-Protocol-Version header missing",
			headers: { "mcp-protocol-version": null },
			status: 400,
			code: -32020,
		},
		{
			label: "no _meta under a 2026-07-28 header",
			meta: null,
			status: 400,
			code: -32602,
		},
		{
			label: "an unknown method",
			method: "no/such-method",
			status: 404,
			code: -32601,
		},
		{
			label: "initialize, which 2026-07-28 does not define",
			method: "initialize",
			status: 404,
			code: -32601,
		},
	];

	it.each(cases)("$label: $status with $code, never a 500, and a row", async (test) => {
		const client = uniqueClient("invalid");
		const meta = test.meta === null ? null : { ...envelope(client), ...test.meta };
		const { body, headers } = modernRequest(test.method ?? "tools/list", test.params, {
			meta,
			headers: test.headers,
		});
		const response = await fetchAndSettle(
			new Request(MCP_URL, { method: "POST", headers, body: JSON.stringify(body) }),
		);
		const error = await expectErrorResponse(response, test.status, test.code);
		expect(error.id).toBe(body.id);
		if (meta === null) return; // a request without _meta names no client to find its row by
		expect(await modernRows(client)).toEqual([
			expect.objectContaining({
				method: test.method ?? "tools/list",
				status: "error",
				error_message: error.error?.message,
			}),
		]);
	});

	it("an unsupported version: 400 with -32022 listing the supported revisions", async () => {
		const meta = { ...envelope(), "io.modelcontextprotocol/protocolVersion": "2099-01-01" };
		const response = await postModern(
			"tools/list",
			{},
			{
				meta,
				headers: { "mcp-protocol-version": "2099-01-01" },
			},
		);
		const body = (await expectErrorResponse(response, 400, -32022)) as {
			error: { data?: { supported?: string[]; requested?: string } };
		};
		expect(body.error.data).toEqual({ supported: [MODERN_VERSION], requested: "2099-01-01" });
	});

	it("a batch holding a 2026-07-28 request: 400 with -32600", async () => {
		const { body, headers } = modernRequest("tools/list");
		const response = await fetchAndSettle(
			new Request(MCP_URL, { method: "POST", headers, body: JSON.stringify([body, body]) }),
		);
		await expectErrorResponse(response, 400, -32600);
	});

	// In band, as the SDK answers every handler-side refusal (the MRTR pattern names no HTTP status for it).
	it("a forged requestState: -32602 in a 200, never a 500", async () => {
		const response = await postModern("tools/call", {
			name: "health_check",
			arguments: {},
			requestState: "forged.not-a-real-state",
			inputResponses: { answer: { action: "accept", content: {} } },
		});
		expect(response.status).toBe(200);
		const body = (await response.json()) as { error?: { code: number } };
		expect(body.error?.code).toBe(-32602);
	});
});

describe("no session in the modern lane", () => {
	it("ignores Mcp-Session-Id (even a live session's) and Last-Event-ID, and echoes neither", async () => {
		const { sessionId } = await initialize();
		await syncMirror(sessionId);
		const before = (await requestRows(sessionId)).length;
		const response = await postModern(
			"tools/list",
			{},
			{
				headers: { "mcp-session-id": sessionId, "last-event-id": "0123456789" },
			},
		);
		expect(response.status).toBe(200);
		expect(response.headers.get("mcp-session-id")).toBeNull();
		expect(response.headers.get("x-archon-session-id")).toBeNull();
		expect((await readResult(response)).result).toMatchObject({ resultType: "complete" });
		// The session did not serve it: its request log did not grow.
		await syncMirror(sessionId);
		expect(await requestRows(sessionId)).toHaveLength(before);
	});

	it("GET and DELETE at 2026-07-28 are 405 (POST only); legacy GET stays 405 and DELETE ends a session", async () => {
		for (const method of ["GET", "DELETE"]) {
			const response = await fetchAndSettle(
				new Request(MCP_URL, { method, headers: { "mcp-protocol-version": MODERN_VERSION } }),
			);
			await expectErrorResponse(response, 405, -32000);
			expect(response.headers.get("allow")).toBe("POST");
		}
		const legacyGet = await fetchAndSettle(new Request(MCP_URL, { method: "GET" }));
		await expectErrorResponse(legacyGet, 405, -32000);
		expect(legacyGet.headers.get("allow")).toBe("POST, DELETE, OPTIONS");
		const { sessionId } = await initialize();
		const ended = await fetchAndSettle(
			new Request(MCP_URL, { method: "DELETE", headers: { "mcp-session-id": sessionId } }),
		);
		expect(ended.status).toBe(204);
	});

	it("a notification is acknowledged with 202 and is not a row", async () => {
		const client = uniqueClient("notification");
		const { headers } = modernRequest("notifications/initialized");
		const body = {
			jsonrpc: "2.0",
			method: "notifications/initialized",
			params: { _meta: envelope(client) },
		};
		const response = await fetchAndSettle(
			new Request(MCP_URL, { method: "POST", headers, body: JSON.stringify(body) }),
		);
		expect(response.status).toBe(202);
		expect(await modernRows(client)).toEqual([]);
	});
});

describe("streams", () => {
	/** Serves a modern call of the progress fixture straight through the lane, with its options. */
	async function progressCall(keepAliveMs: number) {
		const client = uniqueClient("stream");
		const { body, headers } = modernRequest(
			"tools/call",
			{ name: "test_tool_with_progress", arguments: {} },
			{ meta: { ...envelope(client), progressToken: "p1" } },
		);
		const work: Promise<unknown>[] = [];
		const response = await serveModern(
			{
				request: new Request(MCP_URL, { method: "POST", headers, body: JSON.stringify(body) }),
				body,
				env: { ...env, CONFORMANCE: "on" },
				principal: null,
				tracked: true,
				waitUntil: (promise) => work.push(promise),
			},
			{ keepAliveMs },
		);
		return { client, response, settled: () => Promise.all(work) };
	}

	it("a long stream sends comment keep-alives before its result", async () => {
		const { client, response, settled } = await progressCall(10);
		expect(response.headers.get("content-type")).toBe("text/event-stream");
		const text = await response.clone().text();
		expect(text).toMatch(/^: keepalive$/m);
		const messages = await readMessages(response);
		expect(messages.filter((m) => m.method === "notifications/progress").length).toBeGreaterThan(0);
		expect(messages.at(-1)?.result).toMatchObject({ resultType: "complete" });
		await settled();
		expect(await modernRows(client)).toEqual([
			expect.objectContaining({ tool_name: "test_tool_with_progress", status: "success" }),
		]);
	});

	it("closing the stream cancels the request, and the log says so", async () => {
		const { client, response, settled } = await progressCall(60_000);
		const reader = response.body?.getReader();
		const first = await reader?.read();
		expect(new TextDecoder().decode(first?.value)).toContain("notifications/progress");
		await reader?.cancel();
		await settled();
		expect(await modernRows(client)).toEqual([
			expect.objectContaining({ status: "error", error_message: CANCELLED_BY_CLIENT }),
		]);
	});
});

describe("guards shared with the legacy lane", () => {
	it("authentication: 401 without a token on a public host; with one, the row names the user", async () => {
		const client = uniqueClient("auth");
		const refused = await postModern("tools/list", {}, { url: PUBLIC_MCP_URL });
		expect(refused.status).toBe(401);
		expect(refused.headers.get("www-authenticate")).toContain("resource_metadata=");

		const user = await createUser();
		const response = await postModern(
			"tools/call",
			{ name: "session_info", arguments: {} },
			{
				url: PUBLIC_MCP_URL,
				meta: envelope(client),
				headers: bearer(user.token),
			},
		);
		expect(response.status).toBe(200);
		const info = structured((await readResult(response)).result ?? {});
		expect(info).toMatchObject({ era: "modern", user: user.email });
		expect(await modernRows(client)).toEqual([expect.objectContaining({ user_id: user.id })]);
	});

	it("Host and Origin: 403; Content-Type: 415; a body over 4 MiB: 413", async () => {
		const { body, headers } = modernRequest("tools/list");
		const send = (extra: Record<string, string>, payload = JSON.stringify(body), url = MCP_URL) =>
			fetchAndSettle(
				new Request(url, { method: "POST", headers: { ...headers, ...extra }, body: payload }),
			);
		await expectErrorResponse(await send({ origin: "https://evil.example" }), 403, -32000);
		// DNS rebinding: plain HTTP to a name that is not loopback.
		const rebound = await send({}, JSON.stringify(body), "http://rebind.example/mcp");
		await expectErrorResponse(rebound, 403, -32000);
		await expectErrorResponse(await send({ "content-type": "text/plain" }), 415, -32000);
		const huge = JSON.stringify({ ...body, params: { ...body.params, pad: "x".repeat(4 << 20) } });
		await expectErrorResponse(await send({}, huge), 413, -32000);
	});
});

describe("the request log", () => {
	it("N concurrent modern calls give exactly N rows", async () => {
		const client = uniqueClient("load");
		const calls = 40;
		const responses = await Promise.all(
			Array.from({ length: calls }, () =>
				postModern(
					"tools/call",
					{ name: "health_check", arguments: {} },
					{ meta: envelope(client) },
				),
			),
		);
		expect(responses.map((response) => response.status)).toEqual(Array(calls).fill(200));
		const rows = await modernRows(client);
		expect(rows).toHaveLength(calls);
		expect(new Set(rows.map((row) => row.request_id)).size).toBe(calls);
		for (const row of rows) {
			expect(row).toMatchObject({
				era: "modern",
				session_id: null,
				method: "tools/call",
				tool_name: "health_check",
				status: "success",
				user_id: null,
				client_version: "2.1.332",
				protocol_version: MODERN_VERSION,
			});
		}
	});
});
