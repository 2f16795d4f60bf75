/**
 * Check 9: the project's client library (`src/client`, built to `dist/client`
 * by `npm run build`) keeps working through an idle expiry and a server
 * restart: every call the caller makes succeeds, in the same session (the
 * server revives it after the expiry; the library would renew it otherwise).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { delay } from "../../lib/process-group.ts";
import { PROJECT_ROOT } from "../../lib/wrangler.ts";
import { type Check, CheckFailure, expect } from "../check-runner.ts";
import { LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "../live-context.ts";

/** Where `npm run build` puts the client library's entry. */
const CLIENT_ENTRY = join(PROJECT_ROOT, "dist/client/index.js");

/** Slack after the idle timeout before the alarm must have run (2 seconds). */
const ALARM_SLACK_MS = 2_000;

/** The part of `MCPClient` this check drives (see src/client/mcp-client.ts). */
interface ClientUnderTest {
	readonly sessionId: string | undefined;
	callTool(name: string, args?: Record<string, unknown>): Promise<{ isError?: boolean }>;
	close(): Promise<void>;
}

type ClientConstructor = new (options: {
	url: string;
	clientName: string;
	clientVersion: string;
	timeoutMs: number;
}) => ClientUnderTest;

/** Calls before, after an expiry and after a restart all succeed, through one client object. */
export const clientLibrary: Check<LiveContext> = {
	name: "client library rides through expiry and restart without an error",
	async run({ server }) {
		if (!existsSync(CLIENT_ENTRY)) throw new CheckFailure("client library not built");
		const { MCPClient } = (await import(pathToFileURL(CLIENT_ENTRY).href)) as {
			MCPClient: ClientConstructor;
		};
		const client = new MCPClient({
			url: server.mcpUrl,
			clientName: "archon-live-client",
			clientVersion: "4.0.0-live",
			timeoutMs: 30_000,
		});
		try {
			const call = async (when: string) => {
				try {
					const result = await client.callTool("health_check");
					expect(result.isError !== true, `health_check ${when} returned a tool error`);
				} catch (error) {
					if (error instanceof CheckFailure) throw error;
					throw new CheckFailure(`the caller saw an error ${when}: ${String(error)}`);
				}
				return client.sessionId;
			};
			const first = await call("on the first call");
			expect(first, "no session id after the first call");

			await delay(LIVE_SESSION_TIMEOUT_SECONDS * 1000 + ALARM_SLACK_MS);
			const afterExpiry = await call("after the session expired");
			expect(
				afterExpiry === first,
				`expected the same session, revived, after expiry; got ${afterExpiry} for ${first}`,
			);

			await server.restart();
			const afterRestart = await call("after the server restarted");
			expect(afterRestart, "no session id after the restart");
		} finally {
			await client.close().catch(() => undefined);
		}
	},
};
