import { describe, expect, it } from "vitest";
import {
	callTool,
	initialize,
	post,
	readMessages,
	readResult,
	rpc,
	SERVER_TOOLS,
	structured,
} from "./helpers/mcp";

describe("tools", () => {
	it("lists every tool, each with an input and an output schema and annotations", async () => {
		const { sessionId } = await initialize();
		const answer = await readResult(await post(rpc("tools/list"), { session: sessionId }));
		const tools = (answer.result?.tools ?? []) as Array<{
			name: string;
			inputSchema?: unknown;
			outputSchema?: unknown;
			annotations?: Record<string, unknown>;
		}>;
		const names = tools.map((tool) => tool.name);
		expect(names.sort()).toEqual([...SERVER_TOOLS]);
		for (const tool of tools.filter((t) => !["health_check", "session_info"].includes(t.name))) {
			expect(tool.outputSchema, tool.name).toMatchObject({ type: "object" });
			expect(tool.annotations, tool.name).toMatchObject({
				readOnlyHint: expect.any(Boolean),
				idempotentHint: expect.any(Boolean),
			});
			if (!tool.annotations?.readOnlyHint) expect(tool.annotations?.destructiveHint).toBe(true);
		}
	});

	it("health_check reports status, version, uptime and D1", async () => {
		const { sessionId } = await initialize();
		const { result } = await callTool(sessionId, "health_check");
		expect(result.isError).toBeUndefined();
		expect(structured(result)).toMatchObject({
			status: "healthy",
			version: "0.1.0",
			d1: { reachable: true },
		});
		expect(structured(result).uptimeSeconds).toBeGreaterThanOrEqual(0);
		const text = (result.content as Array<{ type: string; text: string }>)[0];
		expect(JSON.parse(text?.text ?? "null")).toEqual(structured(result));
	});

	it("health_check streams progress notifications before its result over SSE", async () => {
		const { sessionId } = await initialize();
		const response = await post(
			rpc("tools/call", { name: "health_check", arguments: {}, _meta: { progressToken: "p-1" } }),
			{ session: sessionId },
		);
		expect(response.headers.get("content-type")).toBe("text/event-stream");
		const messages = await readMessages(response);
		expect(messages.map((m) => m.method ?? "result")).toEqual([
			"notifications/progress",
			"notifications/progress",
			"result",
		]);
		expect(messages[0]?.params).toMatchObject({ progressToken: "p-1", progress: 0, total: 2 });
	});

	it("session_info describes the calling session and counts active sessions", async () => {
		const { sessionId } = await initialize({ clientName: "Cline" });
		const { result } = await callTool(sessionId, "session_info");
		const info = structured(result);
		expect(info).toMatchObject({
			sessionId,
			clientType: "Cline",
			clientName: "Cline",
			clientVersion: "2.1.0",
			protocolVersion: "2025-11-25",
			requestCount: 2,
			timeoutSeconds: 3600,
		});
		expect(Date.parse(info.connectedAt as string)).toBeLessThanOrEqual(
			Date.parse(info.lastActivity as string),
		);
		expect(info.activeSessions).toBeGreaterThanOrEqual(1);
	});
});
