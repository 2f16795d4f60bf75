/**
 * Check 12: a session belongs to the user who opened it. Another user's valid
 * token on its id gets the same 404 (-32001) as an unknown id, so a leaked
 * session id is worth nothing; the owner's token keeps working.
 */
import { openSession, pingRequest, postMcp, toolsCallRequest } from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionNotFound, expectToolSuccess } from "../live-assertions.ts";
import { LIVE_CLIENT, type LiveContext } from "../live-context.ts";

/** Alice opens a session; Bob's token on it: 404 / -32001; Alice's token afterwards: 200. */
export const sessionHijack: Check<LiveContext> = {
	name: "another user's token on a session gets 404 (-32001); the owner's token still works",
	async run({ auth }) {
		const { server, alice, bob } = await auth.get();
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT, { bearerToken: alice.token });

		const hijack = await postMcp(server.mcpUrl, toolsCallRequest(2, "health_check"), {
			sessionId,
			bearerToken: bob.token,
		});
		expectSessionNotFound(hijack, "Bob's tools/call on Alice's session");
		const ping = await postMcp(server.mcpUrl, pingRequest(3), {
			sessionId,
			bearerToken: bob.token,
		});
		expectSessionNotFound(ping, "Bob's ping on Alice's session");

		const owner = await postMcp(server.mcpUrl, toolsCallRequest(4, "health_check"), {
			sessionId,
			bearerToken: alice.token,
		});
		expectToolSuccess(owner, "Alice's tools/call after the attempt");
		expect(owner.sessionId === sessionId, `Alice was answered for session ${owner.sessionId}`);
	},
};
