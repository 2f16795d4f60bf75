/**
 * Check 9, once per era: the project's client library (`src/client`, built
 * to `dist/client` by `npm run build`) keeps working through what a long-lived
 * client meets. In the 2025 era (`protocol: "legacy"`) that is an idle expiry
 * and a server restart, through which every call succeeds in the same session (the
 * server revives it after the expiry; the library would renew it otherwise); in
 * 2026-07-28 (`protocol: "auto"`, which must land there) there is no session
 * to lose, and calls before and after a restart succeed all the same.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ClientLibrary from "../../../src/client/index.ts";
import { delay } from "../../lib/process-group.ts";
import { PROJECT_ROOT } from "../../lib/wrangler.ts";
import { type Check, CheckFailure, expect } from "../check-runner.ts";
import { LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "../live-context.ts";

/** Where `npm run build` puts the client library's entry. */
const CLIENT_ENTRY = join(PROJECT_ROOT, "dist/client/index.js");

/** Slack after the idle timeout before the alarm must have run (2 seconds). */
const ALARM_SLACK_MS = 2_000;

type Client = InstanceType<typeof ClientLibrary.MCPClient>;

/** A call of `health_check` that must succeed; `when` names the moment in a failure. */
type Call = (when: string) => Promise<void>;

/** Runs `body` with a client of the built library on the live server, and closes it whatever happened. */
async function withClient(
	context: LiveContext,
	protocol: "legacy" | "auto",
	body: (client: Client, call: Call) => Promise<void>,
): Promise<void> {
	if (!existsSync(CLIENT_ENTRY)) throw new CheckFailure("client library not built");
	const { MCPClient } = (await import(pathToFileURL(CLIENT_ENTRY).href)) as typeof ClientLibrary;
	const client = new MCPClient({
		url: context.server.mcpUrl,
		protocol,
		clientName: "archon-live-client",
		clientVersion: "4.0.0-live",
		timeoutMs: 30_000,
	});
	const call: Call = async (when) => {
		try {
			const result = await client.callTool("health_check");
			expect(result.isError !== true, `health_check ${when} returned a tool error`);
		} catch (error) {
			if (error instanceof CheckFailure) throw error;
			throw new CheckFailure(`the caller saw an error ${when}: ${String(error)}`);
		}
	};
	try {
		await body(client, call);
	} finally {
		await client.close().catch(() => undefined);
	}
}

/** 2025 era: calls before, after an expiry and after a restart all succeed, through one client object. */
export const clientLibraryLegacy: Check<LiveContext> = {
	name: "client library (2025 era) rides through expiry and restart without an error",
	run: (context) =>
		withClient(context, "legacy", async (client, call) => {
			await call("on the first call");
			const first = client.sessionId;
			expect(first, "no session id after the first call");

			await delay(LIVE_SESSION_TIMEOUT_SECONDS * 1000 + ALARM_SLACK_MS);
			await call("after the session expired");
			const afterExpiry = client.sessionId;
			expect(
				afterExpiry === first,
				`expected the same session, revived, after expiry; got ${afterExpiry} for ${first}`,
			);

			await context.server.restart();
			await call("after the server restarted");
			expect(client.sessionId, "no session id after the restart");
		}),
};

/** 2026-07-28: auto lands on the modern lane; calls before and after a restart succeed, no session. */
export const clientLibraryModern: Check<LiveContext> = {
	name: "client library (2026-07-28, negotiated) rides through a restart without an error",
	run: (context) =>
		withClient(context, "auto", async (client, call) => {
			await call("on the first call");
			expect(client.protocolEra === "modern", `auto landed on ${client.protocolEra}, not modern`);
			expect(client.sessionId === undefined, "a 2026-07-28 client reports a session id");

			await context.server.restart();
			await call("after the server restarted");
			expect(client.protocolEra === "modern", "the era changed after the restart");
		}),
};
