/**
 * OpenTelemetry's MCP conventions in the logs and the request log: a
 * `traceparent` in a request's `_meta` reaches its `mcp.request` log line and
 * its D1 row in both eras; a malformed one is ignored.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { traceparentOf } from "../src/telemetry/trace-context";
import { modernRows, requestRows } from "./helpers/d1";
import { loggedLines } from "./helpers/logs";
import { initialize, post, rpc, syncMirror } from "./helpers/mcp";
import { envelope, postModern } from "./helpers/modern";

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

afterEach(() => vi.restoreAllMocks());

/** The `mcp.request` lines logged while `work` runs. */
async function requestLines(work: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
	return (await loggedLines(work)).filter((fields) => fields.event === "mcp.request");
}

describe("trace context", () => {
	it("keeps a legacy request's traceparent on its log line and row, with the OTel names", async () => {
		const { sessionId } = await initialize({ clientName: "telemetry-legacy" });
		const lines = await requestLines(async () => {
			const response = await post(
				rpc("tools/call", {
					name: "health_check",
					arguments: {},
					_meta: { traceparent: TRACEPARENT },
				}),
				{ session: sessionId },
			);
			await response.text();
			await syncMirror(sessionId);
		});
		const call = lines.find((line) => line["mcp.method.name"] === "tools/call");
		expect(call).toMatchObject({
			era: "legacy",
			"gen_ai.tool.name": "health_check",
			"mcp.session.id": sessionId.slice(0, 8),
			"mcp.protocol.version": "2025-11-25",
			status: "success",
			traceparent: TRACEPARENT,
			trace_id: "0af7651916cd43dd8448eb211c80319c",
		});
		expect(typeof call?.["jsonrpc.request.id"]).toBe("string");
		expect(typeof call?.["mcp.server.operation.duration"]).toBe("number");
		const rows = await requestRows(sessionId);
		expect(rows.find((row) => row.method === "tools/call")?.traceparent).toBe(TRACEPARENT);
		expect(rows.find((row) => row.method === "initialize")?.traceparent).toBeNull();
	});

	it("keeps a modern request's traceparent on its log line and row", async () => {
		const lines = await requestLines(async () => {
			await postModern(
				"tools/call",
				{ name: "health_check", arguments: {} },
				{ meta: { ...envelope("telemetry-modern"), traceparent: TRACEPARENT } },
			);
		});
		expect(lines.find((line) => line.era === "modern")).toMatchObject({
			"mcp.method.name": "tools/call",
			"gen_ai.tool.name": "health_check",
			"mcp.protocol.version": "2026-07-28",
			traceparent: TRACEPARENT,
		});
		const [row] = await modernRows("telemetry-modern");
		expect(row?.traceparent).toBe(TRACEPARENT);
	});

	it("ignores a malformed or all-zero traceparent", () => {
		expect(traceparentOf({ _meta: { traceparent: TRACEPARENT } })).toBe(TRACEPARENT);
		for (const bad of [
			"00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
			"00-00000000000000000000000000000000-b7ad6b7169203331-01",
			"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
			"ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
			"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
			42,
		]) {
			expect(traceparentOf({ _meta: { traceparent: bad } })).toBeNull();
		}
		expect(traceparentOf(undefined)).toBeNull();
	});
});
