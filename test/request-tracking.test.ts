import { describe, expect, it } from "vitest";
import { requestRows, sessionRow } from "./helpers/d1";
import { callTool, initialize, post, readResult, rpc, syncMirror } from "./helpers/mcp";

describe("request tracking in archon_mcp_requests", () => {
	it("records every JSON-RPC request with method, tool, duration and outcome", async () => {
		const { sessionId } = await initialize();
		await post(rpc("tools/list"), { session: sessionId });
		await callTool(sessionId, "health_check");
		await post(rpc("ping"), { session: sessionId });
		expect(await syncMirror(sessionId)).toBe(0);

		const rows = await requestRows(sessionId);
		expect(rows.map((r) => [r.method, r.tool_name, r.status])).toEqual([
			["initialize", null, "success"],
			["tools/list", null, "success"],
			["tools/call", "health_check", "success"],
			["ping", null, "success"],
		]);
		for (const row of rows) {
			expect(row.duration_ms).toBeGreaterThanOrEqual(0);
			expect(row.error_message).toBeNull();
			expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
			// The caller columns come from the session record; auth is off on loopback, so no user.
			expect(row).toMatchObject({
				era: "legacy",
				session_id: sessionId,
				user_id: null,
				client_name: "claude-code",
				client_version: "2.1.0",
				protocol_version: "2025-11-25",
			});
		}
		// Notifications are activity, not requests: notifications/initialized is not a row.
		expect(rows.some((r) => r.method.startsWith("notifications/"))).toBe(false);
	});

	it("records a failed request as an error with its message", async () => {
		const { sessionId } = await initialize();
		const unknownTool = await post(rpc("tools/call", { name: "no_such_tool", arguments: {} }), {
			session: sessionId,
		});
		const unknownToolAnswer = await readResult(unknownTool);
		const unknownMethod = await post(rpc("resources/list"), { session: sessionId });
		const unknownMethodAnswer = await readResult(unknownMethod);
		expect(unknownMethodAnswer.error?.code).toBe(-32601);
		await syncMirror(sessionId);

		const rows = await requestRows(sessionId);
		const toolRow = rows.find((r) => r.tool_name === "no_such_tool");
		expect(toolRow?.status).toBe("error");
		const expected =
			unknownToolAnswer.error?.message ??
			(unknownToolAnswer.result?.content as Array<{ text: string }> | undefined)?.[0]?.text;
		expect(toolRow?.error_message).toBe(expected);
		expect(toolRow?.error_message).toContain("no_such_tool");
		const methodRow = rows.find((r) => r.method === "resources/list");
		expect(methodRow).toMatchObject({
			status: "error",
			error_message: unknownMethodAnswer.error?.message,
		});
	});

	it("N concurrent calls give exactly N rows, and the request count agrees", async () => {
		const { sessionId } = await initialize();
		const calls = 40;
		const responses = await Promise.all(
			Array.from({ length: calls }, () =>
				post(rpc("tools/call", { name: "health_check", arguments: {} }), { session: sessionId }),
			),
		);
		expect(responses.map((r) => r.status)).toEqual(Array(calls).fill(200));
		await Promise.all(responses.map((r) => r.text()));
		expect(await syncMirror(sessionId)).toBe(0);

		const rows = await requestRows(sessionId);
		expect(rows.filter((r) => r.tool_name === "health_check")).toHaveLength(calls);
		expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length);
		const session = await sessionRow(sessionId);
		expect(JSON.parse(session?.metadata ?? "{}").requestCount).toBe(calls + 1);
	});

	it("keeps last_activity current in D1", async () => {
		const { sessionId } = await initialize();
		await syncMirror(sessionId);
		const before = (await sessionRow(sessionId))?.last_activity ?? 0;
		await callTool(sessionId, "health_check");
		await syncMirror(sessionId);
		const after = await sessionRow(sessionId);
		expect(after?.last_activity).toBeGreaterThanOrEqual(before);
		expect(after?.status).toBe("active");
	});
});
