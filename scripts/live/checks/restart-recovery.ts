/**
 * Check 6: a session outlives the server process. The wrangler process is
 * killed (SIGKILL) and started again on the same port and persisted state,
 * and the old `Mcp-Session-Id` is served without a new `initialize`.
 */
import type { DevServer } from "../../lib/dev-server.ts";
import { openSession, postMcp, toolsCallRequest } from "../../lib/mcp-http.ts";
import { type Check, CheckFailure, expect } from "../check-runner.ts";
import { expectToolSuccess } from "../live-assertions.ts";
import { LIVE_CLIENT, LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "../live-context.ts";

/** Attempts when a restart outlasts the idle timeout, which makes an attempt inconclusive. */
const MAX_ATTEMPTS = 2;

/** tools/call before the kill, restart, tools/call with the same id after. */
export const restartRecovery: Check<LiveContext> = {
	name: "session recovered after a server restart without re-initialize",
	async run({ server }) {
		const inconclusive: string[] = [];
		for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			const inconclusiveBecause = await restartOnce(server);
			if (inconclusiveBecause === undefined) return;
			inconclusive.push(inconclusiveBecause);
		}
		throw new CheckFailure(
			`the session was gone after every restart, each slower than the ${LIVE_SESSION_TIMEOUT_SECONDS} s idle timeout: ${inconclusive.join("; ")}`,
		);
	},
};

/**
 * One restart. Resolves with nothing when the session was recovered, or with
 * why the attempt proves nothing: with a 10 s idle timeout, a restart on a
 * busy machine can outlast the session itself, which then expires as it
 * should (and is revived by the next call, which proves revival, not this).
 * Any other failure throws.
 */
async function restartOnce(server: DevServer): Promise<string | undefined> {
	const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT);
	const before = await postMcp(server.mcpUrl, toolsCallRequest(2, "health_check"), { sessionId });
	expectToolSuccess(before, "tools/call before the restart");

	const idleSince = Date.now();
	const oldPid = server.pid;
	// SIGKILL: a crash, so nothing can be flushed on the way down.
	await server.restart("SIGKILL");
	const restartSeconds = (Date.now() - idleSince) / 1000;
	expect(server.pid !== oldPid, "the server was not restarted");

	const after = await postMcp(server.mcpUrl, toolsCallRequest(3, "health_check"), { sessionId });
	const idleSeconds = (Date.now() - idleSince) / 1000;
	const timing = `restart took ${restartSeconds.toFixed(1)} s, session idle ${idleSeconds.toFixed(1)} s of ${LIVE_SESSION_TIMEOUT_SECONDS} s`;
	if (idleSeconds >= LIVE_SESSION_TIMEOUT_SECONDS) return timing;
	expect(after.status === 200, `tools/call after the restart answered ${after.status} (${timing})`);
	expectToolSuccess(after, "tools/call after the restart");
	expect(after.sessionId === sessionId, `answered for session ${after.sessionId}`);
	return undefined;
}
