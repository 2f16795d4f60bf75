/**
 * Check 4: `X-Archon-Session-Id` on `initialize` resumes a live session under
 * the same id, and an id that names no session gets a new one instead.
 */
import {
	initializedNotification,
	initializeRequest,
	openSession,
	pingRequest,
	postMcp,
} from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionNotFound, unknownSessionId } from "../live-assertions.ts";
import { LIVE_CLIENT, type LiveContext } from "../live-context.ts";

/** Live id: same id back on both headers. Unknown id: a different, fresh id. */
export const clientSessionId: Check<LiveContext> = {
	name: "client-provided X-Archon-Session-Id accepted when live, new id when unknown",
	async run({ server }) {
		const live = await openSession(server.mcpUrl, LIVE_CLIENT);
		const resumed = await postMcp(server.mcpUrl, initializeRequest(1, LIVE_CLIENT), {
			archonSessionId: live,
		});
		expect(resumed.status === 200, `initialize with a live id answered ${resumed.status}`);
		expect(
			resumed.sessionId === live && resumed.headers.get("x-archon-session-id") === live,
			`live id ${live} came back as ${resumed.sessionId}`,
		);
		await postMcp(server.mcpUrl, initializedNotification(), { sessionId: live });

		const unknown = unknownSessionId();
		const fresh = await postMcp(server.mcpUrl, initializeRequest(1, LIVE_CLIENT), {
			archonSessionId: unknown,
		});
		expect(fresh.status === 200, `initialize with an unknown id answered ${fresh.status}`);
		expect(
			fresh.sessionId !== null && fresh.sessionId !== unknown && fresh.sessionId !== live,
			`unknown id ${unknown} came back as ${fresh.sessionId}`,
		);
		// The rejected id must not have become a session as a side effect.
		const probe = await postMcp(server.mcpUrl, pingRequest(2), { sessionId: unknown });
		expectSessionNotFound(probe, "ping with the rejected id");
	},
};
