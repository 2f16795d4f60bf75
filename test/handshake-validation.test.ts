/**
 * Rejected handshakes leave nothing behind (issue 12, item 3): an invalid
 * `initialize` is answered 400 with -32602 and a one-line reason before any
 * session is created or changed; stored strings are bounded; the session's
 * D1 row is written before it exists (503 otherwise); mirror retries back off
 * and give up.
 */
import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bringD1Online, requestRows, sessionRow, takeD1Offline } from "./helpers/d1";
import { bearer, createUser, PUBLIC_MCP_URL } from "./helpers/identity";
import {
	backdateSession,
	callTool,
	expectErrorResponse,
	initialize,
	post,
	rpc,
	sessionStub,
	structured,
	syncMirror,
} from "./helpers/mcp";
import { liveSessionsOf } from "./helpers/user-sessions";

afterEach(() => {
	vi.restoreAllMocks();
});

/** An `initialize` request whose params are `change`d from a valid one. */
function initializeWith(change: (params: Record<string, unknown>) => void, id = 7) {
	const params: Record<string, unknown> = {
		protocolVersion: "2025-11-25",
		capabilities: {},
		clientInfo: { name: "claude-code", version: "2.1.0" },
	};
	change(params);
	return { jsonrpc: "2.0", id, method: "initialize", params };
}

/** Ids of every session object that holds any storage. */
async function objectsWithStorage(): Promise<string[]> {
	const ids = await listDurableObjectIds(env.MCP_SESSION);
	const holding = [];
	for (const id of ids) {
		const keys = await runInDurableObject(
			env.MCP_SESSION.get(id),
			(_i, state) => [...state.storage.kv.list({ limit: 1 })].length,
		);
		if (keys > 0) holding.push(id.toString());
	}
	return holding;
}

/** Rows of `archon_mcp_sessions`. */
async function sessionRowCount(): Promise<number> {
	return (
		(await env.DB.prepare("SELECT count(*) AS n FROM archon_mcp_sessions").first<number>("n")) ?? 0
	);
}

describe("an invalid initialize is refused before any session exists", () => {
	const invalid: Array<[string, (params: Record<string, unknown>) => void, RegExp]> = [
		[
			"clientInfo.version as an object",
			(p) => {
				p.clientInfo = { name: "x", version: { major: 1 } };
			},
			/^Invalid params: clientInfo\.version: /,
		],
		[
			"a non-string clientInfo.name",
			(p) => {
				p.clientInfo = { name: 42, version: "1" };
			},
			/^Invalid params: clientInfo\.name: /,
		],
		[
			"no clientInfo",
			(p) => {
				delete p.clientInfo;
			},
			/^Invalid params: clientInfo: /,
		],
		[
			"a 257-character client name",
			(p) => {
				p.clientInfo = { name: "n".repeat(257), version: "1" };
			},
			/^Invalid params: clientInfo\.name is longer than 256 characters$/,
		],
		[
			"a 257-character client version",
			(p) => {
				p.clientInfo = { name: "x", version: "9".repeat(257) };
			},
			/^Invalid params: clientInfo\.version is longer than 256 characters$/,
		],
		[
			"capabilities over 16 KiB",
			(p) => {
				p.capabilities = { experimental: { blob: { text: "x".repeat(17 * 1024) } } };
			},
			/^Invalid params: capabilities are larger than 16384 bytes$/,
		],
	];

	for (const [what, change, message] of invalid) {
		it(`${what}: 400 -32602 with a short message, no session, no row, no storage`, async () => {
			const rowsBefore = await sessionRowCount();
			const storageBefore = await objectsWithStorage();
			const response = await post(initializeWith(change), { version: null });
			const body = await expectErrorResponse(response, 400, -32602);
			expect(body.error?.message).toMatch(message);
			expect(body.error?.message.length).toBeLessThan(250);
			expect(body.id).toBe(7);
			expect(response.headers.get("mcp-session-id")).toBeNull();
			expect(await sessionRowCount()).toBe(rowsBefore);
			expect(await objectsWithStorage()).toEqual(storageBefore);
		});
	}

	it("takes exactly 256-character names and versions", async () => {
		const { sessionId } = await initialize({ clientName: "n".repeat(256) });
		await syncMirror(sessionId);
		expect((await sessionRow(sessionId))?.client_name).toHaveLength(256);
	});

	it("a malformed initialize naming a live session leaves its handshake as it was", async () => {
		const { sessionId } = await initialize({ clientName: "cursor-vscode" });
		await syncMirror(sessionId);
		const before = await sessionRow(sessionId);

		for (const archon of [{ archon: sessionId }, { session: sessionId }]) {
			const response = await post(
				initializeWith((p) => {
					p.clientInfo = { name: "x", version: {} };
				}),
				{ version: null, ...archon },
			);
			await expectErrorResponse(response, 400, -32602);
		}

		const { result } = await callTool(sessionId, "session_info");
		expect(structured(result)).toMatchObject({
			clientName: "cursor-vscode",
			clientVersion: "2.1.0",
			handshakeCount: 1,
		});
		await syncMirror(sessionId);
		expect(await sessionRow(sessionId)).toMatchObject({
			client_name: before?.client_name,
			client_version: before?.client_version,
			metadata: expect.stringContaining('"handshakeCount":1'),
		});
	});
});

describe("the creation-time D1 write is mandatory", () => {
	it("503 when the session row cannot be written: no session, no storage, not in the user's set", async () => {
		const user = await createUser();
		const storageBefore = await objectsWithStorage();
		await takeD1Offline("archon_mcp_sessions");
		let response: Response;
		try {
			response = await post(
				initializeWith(() => {}),
				{
					url: PUBLIC_MCP_URL,
					version: null,
					headers: bearer(user.token),
				},
			);
		} finally {
			await bringD1Online("archon_mcp_sessions");
		}
		await expectErrorResponse(response, 503, -32603);
		expect(response.headers.get("retry-after")).toBe("5");
		expect(response.headers.get("mcp-session-id")).toBeNull();
		expect(await objectsWithStorage()).toEqual(storageBefore);
		expect(await liveSessionsOf(user.id)).toEqual([]);
	});
});

describe("stored strings are bounded", () => {
	it("method and tool names to 128 characters, error messages to 1 KiB", async () => {
		const { sessionId } = await initialize();
		const longTool = `t${"o".repeat(2000)}`;
		await post(rpc("tools/call", { name: longTool, arguments: {} }), { session: sessionId });
		await post(rpc(`x/${"y".repeat(1000)}`), { session: sessionId });
		await syncMirror(sessionId);
		const [, toolCall, unknownMethod] = await requestRows(sessionId);
		expect(toolCall?.tool_name).toHaveLength(128);
		expect(toolCall?.tool_name?.endsWith("…")).toBe(true);
		expect(unknownMethod?.method).toHaveLength(128);
		expect(new TextEncoder().encode(toolCall?.error_message ?? "").byteLength).toBeLessThanOrEqual(
			1024,
		);
		expect(toolCall?.error_message?.endsWith("…")).toBe(true);
		expect(toolCall?.status).toBe("error");
	});
});

describe("mirror retries back off and give up", () => {
	it("doubles the delay after each failed retry, then logs mirror.gave_up and finishes the session", async () => {
		const { sessionId } = await initialize();
		const stub = sessionStub(sessionId);
		expect(await syncMirror(sessionId)).toBe(0);
		const error = vi.spyOn(console, "error");
		await takeD1Offline("archon_mcp_sessions");
		try {
			// Expiry: the final row cannot be written; each alarm from here on is a retry.
			await backdateSession(sessionId);
			expect(await runDurableObjectAlarm(stub)).toBe(true);
			const delays = [];
			for (let retry = 0; retry < 9; retry++) {
				const at = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
				delays.push(Math.round(((at as number) - Date.now()) / 1000));
				expect(await runDurableObjectAlarm(stub)).toBe(true);
			}
			expect(delays.slice(0, 8)).toEqual([10, 20, 40, 80, 160, 320, 600, 600]);
			expect(
				error.mock.calls.some(([line]) => String(line).includes('"event":"mirror.gave_up"')),
			).toBe(true);
			// Finished anyway: no storage, no alarm, nothing retries for good.
			const keys = await runInDurableObject(stub, (_i, state) => [...state.storage.kv.list()]);
			expect(keys).toEqual([]);
			expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
		} finally {
			await bringD1Online("archon_mcp_sessions");
		}
	});
});
