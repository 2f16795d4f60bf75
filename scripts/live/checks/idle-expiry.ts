/**
 * Check 5: an idle session is ended by its Durable Object alarm, and the
 * official SDK v1 client, which cannot recover from a 404, calls on anyway:
 * the server revives the session (issue 11). The client makes a call, waits
 * past the idle timeout, and calls again without re-initializing. The D1 row
 * is read before the id is used again, so a lazy expiry on access cannot pass
 * for the alarm; afterwards it shows the revival.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { delay } from "../../lib/process-group.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionRow } from "../live-assertions.ts";
import { LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "../live-context.ts";

/** Slack after the idle timeout before the alarm must have run (2 seconds). */
const ALARM_SLACK_MS = 2_000;

/** The SDK client's name: not in the server's client table, so its type is "Other". */
const SDK_CLIENT = { name: "archon-live-sdk-v1", version: "1.32.2" };

/** Call, idle past the timeout (D1 `expired`/`timeout`), call again: same id, no `initialize`, D1 revived. */
export const idleExpiry: Check<LiveContext> = {
	name: "idle session expired by its alarm (D1 expired/timeout), then revived for the SDK v1 client: same id, no re-initialize",
	async run({ server }) {
		const initializes: string[] = [];
		const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
			fetch: async (input, init) => {
				if (typeof init?.body === "string" && init.body.includes('"method":"initialize"')) {
					initializes.push(init.body);
				}
				return fetch(input, init);
			},
		});
		const client = new Client(SDK_CLIENT);
		try {
			await client.connect(transport);
			const sessionId = transport.sessionId;
			expect(sessionId, "the SDK client has no session id after connecting");
			const first = await client.callTool({ name: "health_check", arguments: {} });
			expect(
				first.isError !== true,
				`health_check answered a tool error: ${JSON.stringify(first)}`,
			);
			const idleSince = Date.now();
			await delay(LIVE_SESSION_TIMEOUT_SECONDS * 1000 + ALARM_SLACK_MS - (Date.now() - idleSince));

			const expired = await expectSessionRow(
				server,
				sessionId,
				(found) => found.status !== "active",
				`${LIVE_SESSION_TIMEOUT_SECONDS + ALARM_SLACK_MS / 1000} s idle, no request since`,
			);
			expect(
				expired.status === "expired" && expired.disconnect_reason === "timeout",
				`D1 row is ${expired.status}/${expired.disconnect_reason}, expected expired/timeout`,
			);

			const again = await client.callTool({ name: "session_info", arguments: {} });
			const info = again.structuredContent as { sessionId?: unknown } | undefined;
			expect(again.isError !== true, `session_info after expiry: ${JSON.stringify(again)}`);
			expect(
				transport.sessionId === sessionId && info?.sessionId === sessionId,
				`expected session ${sessionId} after expiry, got ${transport.sessionId} / ${String(info?.sessionId)}`,
			);
			expect(initializes.length === 1, `the client sent initialize ${initializes.length} times`);
			const revived = await expectSessionRow(
				server,
				sessionId,
				(found) => found.status === "active" && Number(found.revival_count) === 1,
				"the call after expiry",
			);
			expect(revived.revived_at !== null, "D1 row has no revived_at");
		} finally {
			await transport.terminateSession().catch(() => undefined);
			await client.close().catch(() => undefined);
		}
	},
};
