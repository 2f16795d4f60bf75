import { runDurableObjectAlarm } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
	StreamableHTTPClientTransport,
	StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { sessionRow } from "./helpers/d1";
import { fetchWorker, MCP_URL, sessionStub, syncMirror } from "./helpers/mcp";

/** An official SDK client whose HTTP goes to the Worker under test. */
async function connectSdkClient(): Promise<{
	client: Client;
	transport: StreamableHTTPClientTransport;
}> {
	const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
		fetch: (input, init) => fetchWorker(String(input), init),
	});
	const client = new Client({ name: "sdk-conformance-probe", version: "1.0.0" });
	await client.connect(transport);
	return { client, transport };
}

describe("the official MCP TypeScript SDK client", () => {
	it("connects, lists and calls tools, loses the session to expiry and re-initializes", async () => {
		const first = await connectSdkClient();
		const sessionId = first.transport.sessionId as string;
		expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(first.client.getServerVersion()?.name).toBe("archon-mcp-edge");

		const { tools } = await first.client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(["health_check", "session_info"]);
		const result = await first.client.callTool({ name: "health_check", arguments: {} });
		expect(result.isError).toBeFalsy();
		expect(result.structuredContent).toMatchObject({ status: "healthy" });

		await runDurableObjectAlarm(sessionStub(sessionId));
		const lost = await first.client.callTool({ name: "health_check", arguments: {} }).then(
			() => null,
			(error: unknown) => error,
		);
		expect(lost).toBeInstanceOf(StreamableHTTPError);
		expect((lost as StreamableHTTPError).code).toBe(404);

		const second = await connectSdkClient();
		expect(second.transport.sessionId).not.toBe(sessionId);
		const info = await second.client.callTool({ name: "session_info", arguments: {} });
		expect(info.structuredContent).toMatchObject({ sessionId: second.transport.sessionId });

		const secondId = second.transport.sessionId as string;
		await second.transport.terminateSession();
		await syncMirror(secondId);
		expect(await sessionRow(sessionId)).toMatchObject({ status: "expired" });
		expect(await sessionRow(secondId)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "client_terminated",
		});
	});
});
