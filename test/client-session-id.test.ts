import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { requestRows, sessionRow } from "./helpers/d1";
import {
	backdateSession,
	callTool,
	deleteSession,
	expectErrorResponse,
	fetchWorker,
	initialize,
	initializeRequest,
	MCP_URL,
	post,
	readResult,
	rpc,
	sessionStub,
	syncMirror,
} from "./helpers/mcp";

describe("X-Archon-Session-Id (client-provided session id)", () => {
	it("initialize with a live id resumes that same session, history kept", async () => {
		const { sessionId } = await initialize({ clientName: "claude-code" });
		await callTool(sessionId, "health_check");

		const resumed = await post(initializeRequest("cursor-vscode"), {
			archon: sessionId,
			version: null,
		});
		expect(resumed.status).toBe(200);
		expect(resumed.headers.get("mcp-session-id")).toBe(sessionId);
		expect(resumed.headers.get("x-archon-session-id")).toBe(sessionId);
		const init = await readResult(resumed);
		expect(init.result?.protocolVersion).toBe("2025-11-25");

		const { result } = await callTool(sessionId, "session_info");
		expect(result.structuredContent).toMatchObject({
			sessionId,
			clientType: "Cursor",
			handshakeCount: 2,
			requestCount: 4,
		});
		await syncMirror(sessionId);
		expect((await requestRows(sessionId)).map((r) => r.method)).toEqual([
			"initialize",
			"tools/call",
			"initialize",
			"tools/call",
		]);
	});

	it("initialize with an unknown id creates a new session", async () => {
		const unknown = "C".repeat(32);
		const { sessionId } = await initialize({ archon: unknown });
		expect(sessionId).not.toBe(unknown);
		expect(await sessionRow(unknown)).toBeNull();
	});

	it("initialize with an idle-expired id revives it: same id, the new handshake", async () => {
		const old = await initialize({ clientName: "claude-code" });
		await backdateSession(old.sessionId);
		await runDurableObjectAlarm(sessionStub(old.sessionId));
		const again = await initialize({ archon: old.sessionId, clientName: "cursor-vscode" });
		expect(again.sessionId).toBe(old.sessionId);
		await syncMirror(old.sessionId);
		expect(await sessionRow(old.sessionId)).toMatchObject({
			status: "active",
			client_type: "Cursor",
			revival_count: 1,
		});
	});

	it("initialize with a DELETE-ended id creates a new session; the old one stays ended", async () => {
		const old = await initialize();
		expect((await deleteSession(old.sessionId)).status).toBe(204);
		const fresh = await initialize({ archon: old.sessionId });
		expect(fresh.sessionId).not.toBe(old.sessionId);
		await syncMirror(old.sessionId);
		await syncMirror(fresh.sessionId);
		expect((await sessionRow(old.sessionId))?.status).toBe("disconnected");
		expect((await sessionRow(fresh.sessionId))?.status).toBe("active");
	});

	it("initialize with a malformed id creates a new session", async () => {
		const { sessionId } = await initialize({ archon: "not a session id" });
		expect(sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
	});

	it("a request carrying only a live X-Archon-Session-Id is served in that session", async () => {
		const { sessionId } = await initialize();
		const response = await post(rpc("tools/call", { name: "session_info", arguments: {} }), {
			archon: sessionId,
		});
		expect(response.status).toBe(200);
		expect(response.headers.get("mcp-session-id")).toBe(sessionId);
		expect((await readResult(response)).result?.structuredContent).toMatchObject({ sessionId });
	});

	it("a live X-Archon-Session-Id wins over Mcp-Session-Id", async () => {
		const a = await initialize();
		const b = await initialize();
		const response = await post(rpc("tools/call", { name: "session_info", arguments: {} }), {
			archon: a.sessionId,
			session: b.sessionId,
		});
		expect(response.headers.get("mcp-session-id")).toBe(a.sessionId);
		expect((await readResult(response)).result?.structuredContent).toMatchObject({
			sessionId: a.sessionId,
		});
	});

	it("falls back to Mcp-Session-Id when X-Archon-Session-Id names no live session", async () => {
		const { sessionId } = await initialize();
		const response = await post(rpc("ping"), { archon: "D".repeat(32), session: sessionId });
		expect(response.status).toBe(200);
		expect(response.headers.get("mcp-session-id")).toBe(sessionId);
	});

	it("404 when neither id names a live session", async () => {
		await expectErrorResponse(
			await post(rpc("ping"), { archon: "E".repeat(32), session: "F".repeat(32) }),
			404,
			-32001,
		);
		await expectErrorResponse(await post(rpc("ping"), { archon: "E".repeat(32) }), 404, -32001);
	});

	it("DELETE with only X-Archon-Session-Id ends that session", async () => {
		const { sessionId } = await initialize();
		const response = await fetchWorker(MCP_URL, {
			method: "DELETE",
			headers: { "x-archon-session-id": sessionId },
		});
		expect(response.status).toBe(204);
		await expectErrorResponse(await post(rpc("ping"), { session: sessionId }), 404, -32001);
	});
});
