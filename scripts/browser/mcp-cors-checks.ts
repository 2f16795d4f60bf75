/**
 * A browser MCP client on another origin: a page served by the callback
 * server (a loopback origin on another port, which a server on loopback
 * allows) calls `/mcp` with `fetch`. Chromium, not the test, writes the
 * `Origin` and the CORS preflight (every header the call sets, lower-cased),
 * so a header missing from the server's allowed or exposed lists fails here
 * as it would in every browser.
 */
import {
	initializedNotification,
	initializeRequest,
	modernHeaders,
	modernRequest,
	PROTOCOL_VERSION,
	pingRequest,
	toolsCallRequest,
} from "../lib/mcp-http.ts";
import { type Check, expect } from "../live/check-runner.ts";
import { withPage } from "./sign-in-checks.ts";
import type { BrowserContext } from "./sign-in-flow.ts";

/** One call as the page makes it, and what it could read of the answer. */
interface PageCall {
	readonly status: number;
	readonly sessionId: string | null;
	readonly body: string;
}

const CLIENT = { name: "browser-page", version: "1.0.0" };

/** From a page on another origin: initialize, initialized, ping in the session, and a 2026-07-28 tool call. */
export const crossOriginMcpClient: Check<BrowserContext> = {
	name: "a page on another origin calls /mcp with fetch in both eras: Chromium's preflights pass and the session id header is readable",
	run: (context) =>
		withPage(context, async (page) => {
			const { callback, server, alice } = context;
			await page.goto(`${callback.origin}/`);
			const legacy = {
				"content-type": "application/json",
				accept: "application/json, text/event-stream",
				authorization: `Bearer ${alice.token}`,
			};
			const modern = modernRequest(toolsCallRequest(4, "health_check", {}), CLIENT);
			const calls = [
				{ headers: legacy, body: initializeRequest(1, CLIENT) },
				{ headers: legacy, body: initializedNotification(), inSession: true },
				{ headers: legacy, body: pingRequest(2), inSession: true },
				{
					headers: { ...modernHeaders(modern), authorization: `Bearer ${alice.token}` },
					body: modern,
				},
			].map((call) => ({ ...call, body: JSON.stringify(call.body) }));
			const answers = await page.evaluate(
				async ({ url, calls, version }) => {
					const results: PageCall[] = [];
					let sessionId: string | null = null;
					for (const call of calls) {
						const headers: Record<string, string> = { ...call.headers };
						if (call.inSession && sessionId !== null) {
							headers["mcp-session-id"] = sessionId;
							headers["mcp-protocol-version"] = version;
						}
						const response = await fetch(url, { method: "POST", headers, body: call.body });
						const answer: PageCall = {
							status: response.status,
							sessionId: response.headers.get("mcp-session-id"),
							body: await response.text(),
						};
						sessionId ??= answer.sessionId;
						results.push(answer);
					}
					return results;
				},
				{ url: server.mcpUrl, calls, version: PROTOCOL_VERSION },
			);
			const [initialize, initialized, ping, toolCall] = answers;
			expect(
				initialize?.status === 200 && typeof initialize.sessionId === "string",
				`initialize answered ${initialize?.status}, session id ${initialize?.sessionId} readable by the page`,
			);
			expect(initialized?.status === 202, `initialized answered ${initialized?.status}`);
			expect(
				ping?.status === 200 && ping.body.includes('"result"'),
				`ping in the session answered ${ping?.status}: ${ping?.body.slice(0, 200)}`,
			);
			expect(
				toolCall?.status === 200 && toolCall.body.includes("healthy"),
				`the 2026-07-28 health_check answered ${toolCall?.status}: ${toolCall?.body.slice(0, 200)}`,
			);
		}),
};
