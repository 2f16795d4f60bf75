import { createExecutionContext, listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "../src/mcp/protocol";
import worker from "../src/worker";
import { bringD1Online, takeD1Offline } from "./helpers/d1";
import {
	expectErrorResponse,
	fetchWorker,
	initialize,
	initializeRequest,
	MCP_URL,
	POST_HEADERS,
	post,
	readMessages,
	rpc,
} from "./helpers/mcp";
import { envelope as modernMeta } from "./helpers/modern";

/** Bad requests must be refused before any session object wakes. */
async function expectNoObjectWoken(action: () => Promise<void>): Promise<void> {
	const before = (await listDurableObjectIds(env.MCP_SESSION)).length;
	await action();
	expect((await listDurableObjectIds(env.MCP_SESSION)).length).toBe(before);
}

describe("POST /mcp input validation", () => {
	it("406 when Accept does not list both application/json and text/event-stream", async () => {
		await expectNoObjectWoken(async () => {
			for (const accept of [
				"application/json",
				"text/event-stream",
				"*/*",
				"application/json, text/event-stream;q=0",
			]) {
				const response = await post(initializeRequest(), { headers: { accept } });
				await expectErrorResponse(response, 406, -32000);
			}
		});
	});

	it("415 for a non-JSON content type; charset parameters are fine", async () => {
		for (const type of ["text/plain", "application/jsonx", "multipart/form-data"]) {
			await expectErrorResponse(
				await post(initializeRequest(), { headers: { "content-type": type } }),
				415,
				-32000,
			);
		}
		const ok = await post(initializeRequest(), {
			headers: { "content-type": "application/json; charset=utf-8" },
		});
		expect(ok.status).toBe(200);
	});

	it("400 -32700 for invalid JSON", async () => {
		await expectNoObjectWoken(async () => {
			await expectErrorResponse(await post("{not json"), 400, -32700);
			await expectErrorResponse(await post(""), 400, -32700);
		});
	});

	it("400 -32600 for JSON that is not a JSON-RPC 2.0 message", async () => {
		await expectNoObjectWoken(async () => {
			for (const body of [
				{ hello: "world" },
				{ jsonrpc: "1.0", id: 1, method: "ping" },
				{ jsonrpc: "2.0", id: { nested: true }, method: "ping" },
				{ jsonrpc: "2.0", id: 1, result: {}, error: { code: 1, message: "both" } },
				42,
				"string",
				null,
			]) {
				await expectErrorResponse(await post(JSON.stringify(body)), 400, -32600);
			}
		});
	});

	it("413 for a body over 4 MiB, declared, under-declared or streamed", async () => {
		const big = JSON.stringify({ ...rpc("ping"), params: { pad: "x".repeat(MAX_BODY_BYTES) } });
		await expectNoObjectWoken(async () => {
			await expectErrorResponse(await post(big), 413, -32000);
			// A request built in JavaScript may carry more than its Content-Length says.
			const underDeclared = await post(big, { headers: { "content-length": "10" } });
			await expectErrorResponse(underDeclared, 413, -32000);
			const stream = new Blob([big]).stream();
			const chunked = await fetchWorker(MCP_URL, {
				method: "POST",
				headers: POST_HEADERS,
				body: stream,
				// @ts-expect-error: duplex is required for a streamed request body in workerd's fetch
				duplex: "half",
			});
			await expectErrorResponse(chunked, 413, -32000);
		});
	});

	it("400 (-32600) for JSON nested deeper than 128 levels, in either era and in a session; 128 is fine", async () => {
		const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}1${"}".repeat(depth - 1)}`;
		const call = (depth: number) =>
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","arguments":${nested(depth)}}}`;
		const { sessionId } = await initialize();
		// 20 000 levels overflowed the stack of the structured clone to the session object: once a 500.
		const deep = nested(20_000);
		await expectNoObjectWoken(async () => {
			await expectErrorResponse(await post(`[${deep}]`), 400, -32600);
			await expectErrorResponse(
				await post(
					`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":${deep},"clientInfo":{"name":"x","version":"1"}}}`,
					{ version: null },
				),
				400,
				-32600,
			);
		});
		await expectErrorResponse(await post(call(20_000), { session: sessionId }), 400, -32600);
		const modern = await post(
			call(MAX_JSON_DEPTH + 1).replace(
				'"params":{',
				`"params":{"_meta":${JSON.stringify(modernMeta())},`,
			),
			{
				version: "2026-07-28",
				headers: { "mcp-method": "tools/call", "mcp-name": "health_check" },
			},
		);
		await expectErrorResponse(modern, 400, -32600);
		// call(d) nests d + 1 levels: the message and params around d - 1 levels of arguments.
		expect((await post(call(MAX_JSON_DEPTH - 1), { session: sessionId })).status).toBe(200);
		await expectErrorResponse(
			await post(call(MAX_JSON_DEPTH), { session: sessionId }),
			400,
			-32600,
		);
	});

	it("400 for an unsupported MCP-Protocol-Version, and absent means 2025-03-26", async () => {
		const { sessionId } = await initialize();
		await expectErrorResponse(
			await post(rpc("ping"), { session: sessionId, version: "2024-01-01" }),
			400,
			-32000,
		);
		const absent = await post(rpc("ping"), { session: sessionId, version: null });
		expect(absent.status).toBe(200);
	});

	it("refuses batches from 2025-06-18 on, by the header or else by the session's revision", async () => {
		const { sessionId } = await initialize();
		// A 2025-11-25 session: a header naming 2025-03-26, or none, does not bring batches back.
		for (const version of ["2025-06-18", "2025-11-25", "2025-03-26", null]) {
			await expectErrorResponse(
				await post([rpc("ping"), rpc("tools/list")], { session: sessionId, version }),
				400,
				-32600,
			);
		}
		const old = await initialize({ protocolVersion: "2025-03-26" });
		for (const version of ["2025-03-26", null]) {
			const batch = await post([rpc("ping"), rpc("tools/list")], {
				session: old.sessionId,
				version,
			});
			expect(batch.status).toBe(200);
			const answers = (await readMessages(batch)).filter((m) => m.id !== undefined);
			expect(answers).toHaveLength(2);
			expect(answers.every((m) => m.error === undefined)).toBe(true);
		}
	});

	it("refuses initialize inside a batch", async () => {
		await expectErrorResponse(
			await post([initializeRequest(), rpc("ping")], { version: "2025-03-26" }),
			400,
			-32600,
		);
	});

	it("answers 202 with no body for notifications and client responses", async () => {
		const { sessionId } = await initialize();
		const notification = await post(
			{ jsonrpc: "2.0", method: "notifications/roots/list_changed" },
			{ session: sessionId },
		);
		expect(notification.status).toBe(202);
		expect(await notification.text()).toBe("");
		const response = await post(
			{ jsonrpc: "2.0", id: "srv-1", result: {} },
			{ session: sessionId },
		);
		expect(response.status).toBe(202);
	});
});

describe("other methods", () => {
	it("GET /mcp is 405 with an Allow header (no standalone SSE stream)", async () => {
		const { sessionId } = await initialize();
		const response = await fetchWorker(MCP_URL, {
			headers: { accept: "text/event-stream", "mcp-session-id": sessionId },
		});
		await expectErrorResponse(response, 405, -32000);
		expect(response.headers.get("allow")).toBe("POST, DELETE, OPTIONS");
	});

	it("PUT /mcp is 405 and unknown paths are 404 JSON-RPC errors", async () => {
		await expectErrorResponse(await fetchWorker(MCP_URL, { method: "PUT" }), 405, -32000);
		await expectErrorResponse(await fetchWorker("http://localhost/nope"), 404, -32000);
	});
});

describe("Origin validation and CORS", () => {
	it("403 for a browser origin outside the allow-list, before any object wakes", async () => {
		await expectNoObjectWoken(async () => {
			const response = await post(initializeRequest(), {
				headers: { origin: "https://evil.example" },
			});
			await expectErrorResponse(response, 403, -32000);
			const preflight = await fetchWorker(MCP_URL, {
				method: "OPTIONS",
				headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
			});
			expect(preflight.status).toBe(403);
		});
	});

	it("passes requests without Origin, the server's own origin and loopback origins in dev", async () => {
		for (const origin of [
			undefined,
			"http://localhost",
			"http://localhost:6274",
			"http://127.0.0.1:3000",
		]) {
			const headers: Record<string, string> = origin ? { origin } : {};
			const response = await post(initializeRequest(), { headers });
			expect(response.status).toBe(200);
		}
	});

	it("refuses a loopback origin when the server is reached on a public host", async () => {
		const response = await fetchWorker("https://mcp.example.com/mcp", {
			method: "POST",
			headers: { ...POST_HEADERS, origin: "http://localhost:6274" },
			body: JSON.stringify(initializeRequest()),
		});
		await expectErrorResponse(response, 403, -32000);
		const own = await fetchWorker("https://mcp.example.com/mcp", {
			method: "POST",
			headers: { ...POST_HEADERS, origin: "https://mcp.example.com" },
			body: JSON.stringify(initializeRequest()),
		});
		// Past the origin check; on a public host, credentials come next.
		expect(own.status).toBe(401);
	});

	it("answers preflight and exposes both session headers", async () => {
		const preflight = await fetchWorker(MCP_URL, {
			method: "OPTIONS",
			headers: {
				origin: "http://localhost:6274",
				"access-control-request-method": "POST",
				"access-control-request-headers":
					"mcp-session-id, x-archon-session-id, mcp-protocol-version",
			},
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:6274");
		expect(preflight.headers.get("access-control-allow-methods")).toBe("GET,POST,DELETE,OPTIONS");
		expect(preflight.headers.get("access-control-max-age")).toBe("600");
		expect(preflight.headers.get("vary")).toBe("Origin, Access-Control-Request-Headers");
		const allowed = preflight.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
		for (const header of [
			"mcp-session-id",
			"x-archon-session-id",
			"mcp-protocol-version",
			"authorization",
		]) {
			expect(allowed).toContain(header);
		}
		const response = await post(initializeRequest(), {
			headers: { origin: "http://localhost:6274" },
		});
		expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:6274");
		expect(response.headers.get("vary")).toBe("Origin");
		const exposed = response.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
		expect(exposed).toContain("mcp-session-id");
		expect(exposed).toContain("x-archon-session-id");
		// A request without Origin (any non-browser client) gets no CORS grant, only the cache key.
		const plain = await post(initializeRequest());
		expect(plain.status).toBe(200);
		expect(plain.headers.get("access-control-allow-origin")).toBeNull();
		expect(plain.headers.get("vary")).toBe("Origin");
		expect(plain.headers.get("mcp-session-id")).toMatch(/^[A-Za-z0-9_-]{32}$/);
	});
});

describe("GET /health", () => {
	it("reports healthy with version, uptime and D1 reachability", async () => {
		const response = await fetchWorker("http://localhost/health");
		expect(response.status).toBe(200);
		expect(response.headers.get("cache-control")).toBe("no-store");
		const body = await response.json();
		expect(body).toMatchObject({
			status: "healthy",
			version: "0.1.0",
			d1: { reachable: true, migrated: true },
			retention: { requestDays: 30, sessionDays: 90 },
		});
	});

	it("reports degraded (503) for an empty database, and for one missing a table", async () => {
		const ctx = createExecutionContext();
		const onEmpty = await worker.fetch(
			new Request("http://localhost/health") as Request<unknown, IncomingRequestCfProperties>,
			{ ...env, DB: env.EMPTY_DB },
			ctx,
		);
		expect(onEmpty.status).toBe(503);
		expect(await onEmpty.json()).toMatchObject({
			status: "degraded",
			d1: { reachable: true, migrated: false },
		});
		await takeD1Offline("archon_oauth_client_settings");
		try {
			const missing = await fetchWorker("http://localhost/health");
			expect(missing.status).toBe(503);
			expect(await missing.json()).toMatchObject({ d1: { reachable: true, migrated: false } });
		} finally {
			await bringD1Online("archon_oauth_client_settings");
		}
	});

	it("GET /health/live answers without touching D1", async () => {
		const response = await fetchWorker("http://localhost/health/live");
		expect(response.status).toBe(200);
		expect(await response.text()).toBe("ok");
	});
});

describe("Host validation (DNS rebinding)", () => {
	it("refuses plain HTTP to a host that is not loopback, even from its own origin", async () => {
		await expectNoObjectWoken(async () => {
			for (const path of ["/mcp", "/health", "/.well-known/oauth-authorization-server"]) {
				const response = await fetchWorker(`http://rebind.example.com:8787${path}`, {
					method: path === "/mcp" ? "POST" : "GET",
					headers: { ...POST_HEADERS, origin: "http://rebind.example.com:8787" },
					body: path === "/mcp" ? JSON.stringify(initializeRequest()) : undefined,
				});
				await expectErrorResponse(response, 403, -32000);
			}
		});
	});
});
