import { runDurableObjectAlarm } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
	StreamableHTTPClientTransport,
	StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { sessionRow } from "./helpers/d1";
import {
	backdateSession,
	fetchWorker,
	MCP_URL,
	SERVER_TOOLS,
	sessionStub,
	syncMirror,
} from "./helpers/mcp";

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
	it("connects, lists and calls tools, and calls on after an idle expiry in the same session", async () => {
		const first = await connectSdkClient();
		const sessionId = first.transport.sessionId as string;
		expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(first.client.getServerVersion()?.name).toBe("archon-mcp-edge");

		const { tools } = await first.client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual([...SERVER_TOOLS]);
		const result = await first.client.callTool({ name: "health_check", arguments: {} });
		expect(result.isError).toBeFalsy();
		expect(result.structuredContent).toMatchObject({ status: "healthy" });

		// SDK 1.x has no recovery from a 404: the server revives the idle-expired session instead.
		await backdateSession(sessionId);
		await runDurableObjectAlarm(sessionStub(sessionId));
		expect(await sessionRow(sessionId)).toMatchObject({ status: "expired" });
		const info = await first.client.callTool({ name: "session_info", arguments: {} });
		expect(first.transport.sessionId).toBe(sessionId);
		expect(info.structuredContent).toMatchObject({
			sessionId,
			clientName: "sdk-conformance-probe",
		});

		await first.transport.terminateSession();
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({
			status: "disconnected",
			disconnect_reason: "client_terminated",
			revival_count: 1,
		});
	});

	it("gets a 404 it cannot recover from once a session was ended for good", async () => {
		const { client, transport } = await connectSdkClient();
		const sessionId = transport.sessionId as string;
		expect((await sessionStub(sessionId).end(sessionId, "admin_terminated")) as boolean).toBe(true);
		const lost = await client.callTool({ name: "health_check", arguments: {} }).then(
			() => null,
			(error: unknown) => error,
		);
		expect(lost).toBeInstanceOf(StreamableHTTPError);
		expect((lost as StreamableHTTPError).code).toBe(404);
	});
});
