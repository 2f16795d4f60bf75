/**
 * The benchmark's tracking switch: `BENCH_TRACKING=off` leaves a loopback
 * request out of the request log in both lanes, and is ignored (with a
 * warning) for any other request, so production always tracks.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../src/config";
import { isTracked } from "../src/http/bench-tracking";
import worker from "../src/worker";
import { modernRows, requestRows } from "./helpers/d1";
import {
	initialize,
	MCP_URL,
	POST_HEADERS,
	PROTOCOL_VERSION,
	rpc,
	syncMirror,
} from "./helpers/mcp";
import { envelope, modernRequest } from "./helpers/modern";

afterEach(() => vi.restoreAllMocks());

const untrackedEnv = { ...env, BENCH_TRACKING: "off" };

/** Sends `request` to the Worker with `BENCH_TRACKING=off` and waits for the work it left behind. */
async function fetchUntracked(request: Request): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		request as Request<unknown, IncomingRequestCfProperties>,
		untrackedEnv,
		ctx,
	);
	await response.arrayBuffer();
	await waitOnExecutionContext(ctx);
	return response;
}

describe("BENCH_TRACKING=off", () => {
	it("writes no row for a loopback tool call in a session; the session's tracked requests keep theirs", async () => {
		const { sessionId } = await initialize();
		const headers = {
			...POST_HEADERS,
			"mcp-session-id": sessionId,
			"mcp-protocol-version": PROTOCOL_VERSION,
		};
		const body = JSON.stringify(rpc("tools/call", { name: "session_info", arguments: {} }));
		const response = await fetchUntracked(new Request(MCP_URL, { method: "POST", headers, body }));
		expect(response.status).toBe(200);
		expect(await syncMirror(sessionId)).toBe(0);
		const rows = await requestRows(sessionId);
		expect(rows.map((row) => row.method)).toEqual(["initialize"]);
	});

	it("writes no row for a loopback modern call", async () => {
		const client = `untracked-${crypto.randomUUID()}`;
		const { body, headers } = modernRequest(
			"tools/call",
			{ name: "session_info", arguments: {} },
			{ meta: envelope(client) },
		);
		const response = await fetchUntracked(
			new Request(MCP_URL, { method: "POST", headers, body: JSON.stringify(body) }),
		);
		expect(response.status).toBe(200);
		expect(await modernRows(client)).toEqual([]);
	});

	it("is ignored, with a warning, for a request that is not on loopback", () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const config = readConfig(untrackedEnv);
		expect(isTracked(new Request("http://127.0.0.1:8787/mcp"), config)).toBe(false);
		expect(isTracked(new Request("https://mcp.example.com/mcp"), config)).toBe(true);
		const fromElsewhere = new Request("http://localhost/mcp", {
			headers: { "cf-connecting-ip": "203.0.113.9" },
		});
		expect(isTracked(fromElsewhere, config)).toBe(true);
		expect(warn.mock.calls.flat().join("\n")).toContain("config.bench_tracking_refused");
	});

	it("is off unless set: every request is tracked", () => {
		expect(isTracked(new Request(MCP_URL), readConfig(env))).toBe(true);
	});
});
