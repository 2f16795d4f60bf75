/**
 * Check 13: revoking a token with the admin command and `--url` ends the
 * user's live sessions at once (D1 `disconnected` / `revoked`), and the
 * revoked token is refused from then on (401); the user's other token is not.
 */
import { initializeRequest, openSession, pingRequest, postMcp } from "../../lib/mcp-http.ts";
import { runAdmin } from "../admin-command.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionRow } from "../live-assertions.ts";
import { LIVE_CLIENT, type LiveContext } from "../live-context.ts";

/** `token revoke --id --url` with an admin token, then the D1 row, then 401 for the revoked token. */
export const tokenRevocation: Check<LiveContext> = {
	name: "revoked token (admin command with --url) ends its session (D1 disconnected/revoked), then 401",
	async run({ auth }) {
		const { server, admin, alice, revocable } = await auth.get();
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT, {
			bearerToken: revocable.token,
		});
		// The server finds a user's live sessions through their D1 rows, which are written in the background.
		await expectSessionRow(server, sessionId, (row) => row.status === "active", "new session");

		// The admin token goes through the environment, as docs/admin.md advises (not in `ps`).
		const revoked = (await runAdmin(
			server.persistDir,
			["token", "revoke", "--id", revocable.tokenId, "--url", server.origin],
			{ ARCHON_ADMIN_TOKEN: admin.token },
		)) as { endedSessions?: unknown; revokedGrants?: unknown };
		expect(
			typeof revoked.endedSessions === "number" &&
				revoked.endedSessions >= 1 &&
				typeof revoked.revokedGrants === "number",
			`token revoke reported ${JSON.stringify(revoked)}`,
		);

		const row = await expectSessionRow(
			server,
			sessionId,
			(found) => found.status !== "active",
			"after token revoke",
		);
		expect(
			row.status === "disconnected" && row.disconnect_reason === "revoked",
			`D1 row is ${row.status}/${row.disconnect_reason}, expected disconnected/revoked`,
		);

		const onSession = await postMcp(server.mcpUrl, pingRequest(2), {
			sessionId,
			bearerToken: revocable.token,
		});
		expect(onSession.status === 401, `revoked token on its session answered ${onSession.status}`);
		const fresh = await postMcp(server.mcpUrl, initializeRequest(3, LIVE_CLIENT), {
			bearerToken: revocable.token,
		});
		expect(fresh.status === 401, `initialize with the revoked token answered ${fresh.status}`);
		const other = await postMcp(server.mcpUrl, initializeRequest(4, LIVE_CLIENT), {
			bearerToken: alice.token,
		});
		expect(other.status === 200, `initialize with Alice's other token answered ${other.status}`);
	},
};
