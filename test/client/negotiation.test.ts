/**
 * `protocol` against the real Worker, which serves both eras: `auto` asks
 * `server/discover` and lands on the modern lane, falls back to
 * `initialize` where the probe is refused (as a 2025-only deployment of
 * Archon refused it, emulated by answering the 2026-07-28 requests the way
 * it did), the verdict is remembered per endpoint for the life of the
 * process, a pin never falls back, and `protocolEra` tells which era the
 * client speaks.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
	type Exchange,
	errorResponse,
	forgetEras,
	RecordingFetch,
	structured,
	testClient,
} from "./harness";

const PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";

/** The HTTP exchanges as `[JSON-RPC or HTTP method, status]`. */
function trace(recorder: RecordingFetch): [string, number | "error" | undefined][] {
	return recorder.exchanges.map((e) => [e.rpcMethod ?? e.method, e.outcome]);
}

/** True for a request of the 2026-07-28 era. */
function isModern(exchange: Exchange): boolean {
	return exchange.headers.get("mcp-protocol-version") === "2026-07-28";
}

/**
 * Archon before its modern lane: every 2026-07-28 POST (the probe first)
 * refused with 400 "session id required", as that version answered it.
 */
function twentyTwentyFiveOnly(): RecordingFetch {
	return new RecordingFetch((exchange) =>
		exchange.method === "POST" && isModern(exchange)
			? errorResponse(400, "Bad Request: Mcp-Session-Id header is required")
			: undefined,
	);
}

beforeEach(forgetEras);

describe("auto against Archon (both lanes)", () => {
	it("lands on the modern lane: no initialize, no session, the _meta envelope on every request", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "auto" });
		expect(client.protocolEra).toBeUndefined();

		const result = await client.callTool("session_info");

		expect(client.protocolEra).toBe("modern");
		expect(client.sessionId).toBeUndefined();
		expect(structured(result)).toMatchObject({ era: "modern", session: null });
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
		const first = testClient(new RecordingFetch(), { protocol: "auto" });
		await first.ping();
		await first.close();

		const recorder = new RecordingFetch();
		const second = testClient(recorder, { protocol: "auto" });
		await second.callTool("health_check");

		expect(trace(recorder)).toEqual([["tools/call", 200]]);
		expect(second.protocolEra).toBe("modern");
		await second.close();
	});

	it("remembers per endpoint: another path on the same origin is probed again", async () => {
		const first = testClient(new RecordingFetch(), { protocol: "auto" });
		await first.ping();
		await first.close();

		// The Worker answers 404 off /mcp; what matters is that the other path was asked.
		const other = new RecordingFetch();
		const elsewhere = testClient(other, {
			protocol: "auto",
			url: "http://localhost/other/mcp",
			maxRetries: 0,
		});
		await expect(elsewhere.ping()).rejects.toMatchObject({ name: "MCPClientError" });
		expect(other.exchanges[0]?.rpcMethod).toBe("server/discover");
		await elsewhere.close();
	});

	it("protocol 'legacy' never probes: initialize and a session", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "legacy" });
		await client.ping();
		expect(recorder.of("server/discover")).toHaveLength(0);
		expect(client.protocolEra).toBe("legacy");
		expect(client.sessionId).toBeDefined();
		await client.close();
	});

	it("a pin on 2026-07-28 connects as auto does", async () => {
		const client = testClient(new RecordingFetch(), { protocol: "2026-07-28" });
		await client.callTool("health_check");
		expect(client.protocolEra).toBe("modern");
		await client.close();
	});

	it("ping is server/discover in the modern era, which has no ping", async () => {
		const recorder = new RecordingFetch();
		const client = testClient(recorder, { protocol: "auto" });
		await client.connect();
		await client.ping();
		expect(recorder.of("server/discover").map((e) => e.outcome)).toEqual([200, 200]);
		expect(recorder.of("ping")).toHaveLength(0);
		await client.close();
	});
});

describe("auto against a 2025-only Archon", () => {
	it("probes once, falls back to initialize, and the next client goes straight to initialize", async () => {
		const first = twentyTwentyFiveOnly();
		const client = testClient(first, { protocol: "auto" });

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

		const second = twentyTwentyFiveOnly();
		const again = testClient(second, { protocol: "auto" });
		await again.ping();
		expect(second.of("server/discover")).toHaveLength(0);
		expect(second.of("initialize")).toHaveLength(1);
		expect(again.protocolEra).toBe("legacy");
		await again.close();
	});

	it("a pin on 2026-07-28 fails with PROTOCOL and never sends initialize", async () => {
		const recorder = twentyTwentyFiveOnly();
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

	it("a remembered modern verdict that went stale is forgotten: the call probes again and succeeds", async () => {
		const first = testClient(new RecordingFetch(), { protocol: "auto" });
		await first.ping();
		expect(first.protocolEra).toBe("modern");
		await first.close();

		// The same endpoint, rolled back to a 2025-only version.
		const recorder = twentyTwentyFiveOnly();
		const client = testClient(recorder, { protocol: "auto" });
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
