/**
 * `MCPClient.health()` and `checkMcpHealth` against the real Worker and a dead URL.
 */
import { describe, expect, it } from "vitest";
import { checkMcpHealth, MCPClient } from "../../src/client/index";
import { errorResponse, MCP_URL, RecordingFetch } from "./harness";

describe("health", () => {
	it("reads GET /health next to the MCP endpoint, without opening a session", async () => {
		const recorder = new RecordingFetch();
		const client = new MCPClient({ url: MCP_URL, fetch: recorder.fetch });

		const report = await client.health();

		expect(report.status).toBe("healthy");
		expect(report.d1).toMatchObject({ reachable: true });
		expect(recorder.exchanges.map((e) => [e.method, e.outcome])).toEqual([["GET", 200]]);
		expect(client.sessionId).toBeUndefined();
		await client.close();
	});

	it("checkMcpHealth is true against the healthy Worker", async () => {
		const recorder = new RecordingFetch();
		expect(await checkMcpHealth(MCP_URL, { fetch: recorder.fetch })).toBe(true);
		expect(recorder.exchanges).toHaveLength(1);
	});

	it("checkMcpHealth is false against a dead URL", async () => {
		let attempts = 0;
		const dead = async (): Promise<Response> => {
			attempts++;
			throw new TypeError("connect ECONNREFUSED");
		};
		expect(await checkMcpHealth("http://127.0.0.1:9/mcp", { fetch: dead })).toBe(false);
		expect(attempts).toBe(1);
	});

	it("checkMcpHealth is false when the server reports degraded (503)", async () => {
		const degraded = new RecordingFetch(
			() =>
				new Response(JSON.stringify({ status: "degraded" }), {
					status: 503,
					headers: { "content-type": "application/json" },
				}),
		);
		expect(await checkMcpHealth(MCP_URL, { fetch: degraded.fetch })).toBe(false);
		const client = new MCPClient({ url: MCP_URL, fetch: degraded.fetch });
		expect(await client.health()).toMatchObject({ status: "degraded" });
	});

	it("checkMcpHealth is false on an answer that is not a health report", async () => {
		const broken = new RecordingFetch(() => errorResponse(500, "Internal error"));
		expect(await checkMcpHealth(MCP_URL, { fetch: broken.fetch })).toBe(false);
		expect(await checkMcpHealth("not a url")).toBe(false);
	});
});
