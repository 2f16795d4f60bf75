/**
 * Check 7: DELETE /mcp ends a session for good.
 */
import { deleteSession, openSession, pingRequest, postMcp } from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionNotFound, expectSessionRow } from "../live-assertions.ts";
import { LIVE_CLIENT, type LiveContext } from "../live-context.ts";

/** 204, then 404 for requests and a second DELETE, and D1 `disconnected` / `client_terminated`. */
export const deleteSessionCheck: Check<LiveContext> = {
	name: "DELETE ends the session (204, then 404, D1 disconnected/client_terminated)",
	async run({ server }) {
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT);
		const status = await deleteSession(server.mcpUrl, sessionId);
		expect(status === 204, `DELETE answered ${status}`);

		const reply = await postMcp(server.mcpUrl, pingRequest(2), { sessionId });
		expectSessionNotFound(reply, "ping after DELETE");
		const again = await deleteSession(server.mcpUrl, sessionId);
		expect(again === 404, `second DELETE answered ${again}`);

		const row = await expectSessionRow(
			server,
			sessionId,
			(found) => found.status !== "active",
			"after DELETE",
		);
		expect(
			row.status === "disconnected" && row.disconnect_reason === "client_terminated",
			`D1 row is ${row.status}/${row.disconnect_reason}, expected disconnected/client_terminated`,
		);
	},
};
