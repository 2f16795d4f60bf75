/**
 * Check 6: a session outlives the server process. The wrangler process is
 * killed (SIGKILL) and started again on the same port and persisted state, and the old
 * `Mcp-Session-Id` is served without a new `initialize`.
 */
import { openSession, postMcp, toolsCallRequest } from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectToolSuccess } from "../live-assertions.ts";
import { LIVE_CLIENT, LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "../live-context.ts";

/** tools/call before the kill, restart, tools/call with the same id after. */
export const restartRecovery: Check<LiveContext> = {
	name: "session recovered after a server restart without re-initialize",
	async run({ server }) {
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT);
		const before = await postMcp(server.mcpUrl, toolsCallRequest(2, "health_check"), {
			sessionId,
		});
		expectToolSuccess(before, "tools/call before the restart");

		const idleSince = Date.now();
		const oldPid = server.pid;
		// SIGKILL: a crash, so nothing can be flushed on the way down.
		await server.restart("SIGKILL");
		const restartSeconds = (Date.now() - idleSince) / 1000;
		expect(server.pid !== oldPid, "the server was not restarted");

		const after = await postMcp(server.mcpUrl, toolsCallRequest(3, "health_check"), {
			sessionId,
		});
		const idleSeconds = (Date.now() - idleSince) / 1000;
		// With a 10 s idle timeout, a restart on a loaded machine can outlast the session itself.
		const timing = ` (restart took ${restartSeconds.toFixed(1)} s, session idle ${idleSeconds.toFixed(1)} s of ${LIVE_SESSION_TIMEOUT_SECONDS} s)`;
		expect(after.status === 200, `tools/call after the restart answered ${after.status}${timing}`);
		expectToolSuccess(after, "tools/call after the restart");
		expect(after.sessionId === sessionId, `answered for session ${after.sessionId}`);
	},
};
