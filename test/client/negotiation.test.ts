/**
 * `protocol`: `auto` asks `server/discover` and falls back to `initialize`,
 * the verdict is remembered per endpoint for the life of the process, a pin
 * never falls back, and `protocolEra` tells which era the client speaks.
 * The 2025 side is the real Worker; the 2026-07-28 side an in-process
 * `createMcpHandler` server (see fixture-servers.ts).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { type FixtureServer, modernFixture } from "./fixture-servers";
import { forgetEras, RecordingFetch, type Target, testClient, WORKER } from "./harness";

/** Where the modern fixture is reached; never dialled. */
const MODERN_URL = "http://modern.test/mcp";

const PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";

function modernClient(
	server: FixtureServer,
	recorder = new RecordingFetch(undefined, server.fetch),
) {
	return { recorder, client: testClient(recorder, { url: MODERN_URL }) };
}

/** The HTTP exchanges as `[JSON-RPC or HTTP method, status]`. */
function trace(recorder: RecordingFetch): [string, number | "error" | undefined][] {
	return recorder.exchanges.map((e) => [e.rpcMethod ?? e.method, e.outcome]);
}

beforeEach(forgetEras);

describe("auto against a 2025-era server (the Worker)", () => {
	it("probes once, falls back to initialize, and the next client goes straight to initialize", async () => {
		const first = new RecordingFetch();
		const client = testClient(first);
		expect(client.protocolEra).toBeUndefined();

		await client.callTool("session_info");

		expect(client.protocolEra).toBe("legacy");
		expect(client.sessionId).toBeDefined();
		expect(trace(first)).toEqual([
			["server/discover", 400],
			["initialize", 200],
			["notifications/initialized", 202],
			["GET", 405],
			["tools/call", 200],
		]);
		await client.close();

		const second = new RecordingFetch();
		const again = testClient(second);
		await again.ping();
		expect(second.of("server/discover")).toHaveLength(0);
		expect(second.of("initialize")).toHaveLength(1);
		expect(again.protocolEra).toBe("legacy");
		await again.close();
	});

	it("remembers per endpoint: another path on the same origin is probed again", async () => {
		const client = testClient(new RecordingFetch());
		await client.ping();
		await client.close();

		// The Worker answers 404 off /mcp; what matters is that the other path was asked.
		const other = new RecordingFetch();
		const elsewhere = testClient(other, { url: "http://localhost/other/mcp", maxRetries: 0 });
		await expect(elsewhere.ping()).rejects.toMatchObject({ name: "MCPClientError" });
		expect(other.exchanges[0]?.rpcMethod).toBe("server/discover");
		await elsewhere.close();
	});

	it("protocol 'legacy' never probes", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "legacy" });
		await client.ping();
		expect(recorder.of("server/discover")).toHaveLength(0);
		expect(client.protocolEra).toBe("legacy");
		await client.close();
	});

	it("a pin on 2026-07-28 fails with PROTOCOL and never sends initialize", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "2026-07-28" });

		await expect(client.ping()).rejects.toMatchObject({
			name: "MCPClientError",
			code: "PROTOCOL",
			message: expect.stringContaining("2026-07-28"),
		});
		expect(recorder.of("initialize")).toHaveLength(0);
		expect(client.protocolEra).toBeUndefined();
		await client.close();
	});
});

describe("auto against a 2026-07-28 server", () => {
	it("speaks the modern era: no initialize, no session, the _meta envelope on every request", async () => {
		const { recorder, client } = modernClient(modernFixture());

		const result = await client.callTool("hello");

		expect(result.content).toEqual([{ type: "text", text: "hello" }]);
		expect(client.protocolEra).toBe("modern");
		expect(client.sessionId).toBeUndefined();
		expect(trace(recorder)).toEqual([
			["server/discover", 200],
			["tools/call", 200],
		]);
		const call = recorder.of("tools/call")[0];
		expect(call?.headers.get("mcp-protocol-version")).toBe("2026-07-28");
		expect(call?.headers.has("mcp-session-id")).toBe(false);
		expect(call?.body?.params?._meta?.[PROTOCOL_VERSION_META]).toBe("2026-07-28");
		// Closing sends nothing: there is no session to end.
		await client.close();
		expect(recorder.of("DELETE")).toHaveLength(0);
	});

	it("remembers the verdict: the next client sends its call without a probe", async () => {
		const server = modernFixture();
		const first = modernClient(server);
		await first.client.ping();
		await first.client.close();

		const second = modernClient(server);
		await second.client.callTool("hello");

		expect(trace(second.recorder)).toEqual([["tools/call", 200]]);
		expect(second.client.protocolEra).toBe("modern");
		await second.client.close();
	});

	it("a pin on 2026-07-28 connects as auto does", async () => {
		const recorder = new RecordingFetch(undefined, modernFixture().fetch);
		const client = testClient(recorder, { url: MODERN_URL, protocol: "2026-07-28" });
		await client.callTool("hello");
		expect(client.protocolEra).toBe("modern");
		await client.close();
	});

	it("ping is server/discover in the modern era", async () => {
		const { recorder, client } = modernClient(modernFixture());
		await client.connect();
		await client.ping();
		expect(recorder.of("server/discover")).toHaveLength(2);
		expect(recorder.of("ping")).toHaveLength(0);
		await client.close();
	});
});

describe("a remembered verdict that no longer holds", () => {
	it("is forgotten when the endpoint went back to 2025: the call probes again and succeeds", async () => {
		// One endpoint, first served by the modern fixture, then by the Worker.
		let serve: Target = modernFixture().fetch;
		const target: Target = (request) => serve(request);
		const first = testClient(new RecordingFetch(undefined, target));
		await first.ping();
		expect(first.protocolEra).toBe("modern");
		await first.close();

		serve = WORKER;
		const recorder = new RecordingFetch(undefined, target);
		const client = testClient(recorder);
		const result = await client.callTool("session_info");

		expect(result.isError).toBeUndefined();
		expect(client.protocolEra).toBe("legacy");
		expect(trace(recorder).map(([method]) => method)).toEqual([
			"tools/call",
			"server/discover",
			"initialize",
			"notifications/initialized",
			"GET",
			"tools/call",
		]);
		await client.close();
	});
});
