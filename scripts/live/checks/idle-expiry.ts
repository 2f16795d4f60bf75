/**
 * Check 5: an idle session is ended by its Durable Object alarm. The D1 row is
 * read before the old id is used again, so a lazy expiry on access (which
 * would also answer 404) cannot pass for the alarm.
 */
import { openSession, pingRequest, postMcp } from "../../lib/mcp-http.ts";
import { delay } from "../../lib/process-group.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionNotFound, expectSessionRow } from "../live-assertions.ts";
import { LIVE_CLIENT, LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "../live-context.ts";

/** Slack after the idle timeout before the alarm must have run (2 seconds). */
const ALARM_SLACK_MS = 2_000;

/** After the timeout: D1 row `expired` / `timeout`, then 404 for the old id. */
export const idleExpiry: Check<LiveContext> = {
	name: "idle session expired by its alarm (404, D1 expired/timeout)",
	async run({ server }) {
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT);
		const idleSince = Date.now();
		await delay(LIVE_SESSION_TIMEOUT_SECONDS * 1000 + ALARM_SLACK_MS - (Date.now() - idleSince));

		const row = await expectSessionRow(
			server,
			sessionId,
			(found) => found.status !== "active",
			`${LIVE_SESSION_TIMEOUT_SECONDS + ALARM_SLACK_MS / 1000} s idle, no request since`,
		);
		expect(
			row.status === "expired" && row.disconnect_reason === "timeout",
			`D1 row is ${row.status}/${row.disconnect_reason}, expected expired/timeout`,
		);
		const reply = await postMcp(server.mcpUrl, pingRequest(2), { sessionId });
		expectSessionNotFound(reply, "ping with the expired id");
	},
};
