/**
 * SESSION_REVIVAL_SECONDS=0 turns revival off (issue 11): an idle-expired
 * session answers 404 -32001 like any ended one, and a request without a
 * session id after it gets the 400 that says to send `initialize`.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sessionRow } from "../helpers/d1";
import {
	backdateSession,
	expectErrorResponse,
	initialize,
	post,
	rpc,
	sessionStub,
} from "../helpers/mcp";

describe("revival off", () => {
	it("an idle-expired session is a 404, and stays expired", async () => {
		const { sessionId } = await initialize();
		expect((await post(rpc("ping"), { session: sessionId })).status).toBe(200);
		await backdateSession(sessionId);
		expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);

		const gone = await expectErrorResponse(
			await post(rpc("ping"), { session: sessionId }),
			404,
			-32001,
		);
		expect(gone.error?.message).toMatch(/Send initialize/);
		expect(await sessionRow(sessionId)).toMatchObject({
			status: "expired",
			disconnect_reason: "timeout",
			revival_count: 0,
		});
		// A client that drops the id after the 404 is told what to do.
		const noId = await expectErrorResponse(await post(rpc("tools/list")), 400, -32000);
		expect(noId.error?.message).toMatch(/Mcp-Session-Id header is required.*Send initialize first/);
	});
});
