/**
 * The Worker entry and the front door of every request, in this order:
 *
 * 1. Host and Origin guard (`http/origin.ts`): 403 for DNS rebinding and for a
 *    browser origin outside the allow-list, before anything else runs (on
 *    `/authorize`, anything but the server's own origin);
 * 2. with `AUTH_MODE=off`, a loopback request goes straight to the app
 *    (`http/auth-bypass.ts`);
 * 3. otherwise the OAuth provider (`auth/oauth-provider.ts`) answers its own
 *    endpoints, and lets `/mcp` through only with a valid token (401 or 403
 *    otherwise, with a JSON-RPC body saying how to authenticate: `auth/caller.ts`),
 *    after the checks of `auth/oauth-guard.ts` (inputs too long for its
 *    storage, the registration rate limit);
 * 4. the app (`http/app.ts`): CORS and the routes; `/mcp` says which protocol
 *    era a request belongs to and serves it in that lane (`http/mcp-route.ts`).
 *
 * `scheduled` runs the retention sweep of the Cron Trigger (`retention/retention.ts`).
 * The Durable Object classes are exported by name: the session object for
 * `MCP_SESSION`, each user's live-session set for `USER_SESSIONS`, and the
 * rate-limit counters for `RATE_LIMITER`.
 */
import { errorPage, failurePage } from "./auth/authorize-html";
import { explainAuthFailure } from "./auth/caller";
import { guardOAuthRequest } from "./auth/oauth-guard";
import { type AppHandler, OAuthPath, oauthProviders } from "./auth/oauth-provider";
import { readConfig } from "./config";
import { openDatabase } from "./db/database";
import { errorResponse } from "./errors";
import { createApp } from "./http/app";
import { isAuthOff } from "./http/auth-bypass";
import { rejectUnsafeRequest, type UnsafeRequestOptions } from "./http/origin";
import { sweepRetention } from "./retention/retention";

export { RateLimiterObject } from "./limits/rate-limiter-object";
export { McpSessionObject } from "./session/session-object";
export { UserSessionsObject } from "./session/user-sessions-object";

/**
 * What `/authorize` accepts as Origin (README, "The sign-in page"): the
 * server's own origin, or none (a client that is not a browser). Only the
 * page itself posts its form, and it sends its origin with the POST
 * (`Referrer-Policy: same-origin`, authorize-html.ts). `null` is refused
 * rather than left to the handle and its cookie alone: this page never
 * produces it (it cannot be framed, so never sandboxed), and a foreign page
 * posting the form is what the guard is for. `ALLOWED_ORIGINS` and other
 * loopback ports are for browser MCP clients on `/mcp` and `/api`, which keep
 * the cross-origin rules.
 */
const SIGN_IN_PAGE_ORIGINS: UnsafeRequestOptions = {
	policy: "same-origin",
	render: (_error, refusal) =>
		failurePage(
			403,
			refusal === "origin"
				? "The sign-in form was sent from another website, so it was refused."
				: "Sign-in works over HTTPS only.",
		),
};

const app = createApp();
/** Responses the app made: a 401 or 403 on `/mcp` that is not one of them came from the provider. */
const appResponses = new WeakSet<Response>();
const appHandler: AppHandler = {
	fetch: async (request, env, ctx) => {
		const response = await app.fetch(request, env, ctx);
		appResponses.add(response);
		return response;
	},
};
const providerFor = oauthProviders(appHandler);

export default {
	async fetch(request, env, ctx) {
		const url = new URL(request.url);
		// The sign-in page answers people: its refusals and failures are pages too.
		const isSignInPage = url.pathname === OAuthPath.Authorize;
		try {
			const config = readConfig(env);
			const refused = rejectUnsafeRequest(
				request,
				config,
				isSignInPage ? SIGN_IN_PAGE_ORIGINS : {},
			);
			if (refused) return refused;
			if (isAuthOff(request, config)) return await appHandler.fetch(request, env, ctx);
			const guarded = await guardOAuthRequest(request, env, config);
			if (guarded) return guarded;
			const response = await providerFor(url.origin, config.oauthDcr).fetch(request, env, ctx);
			if (url.pathname !== OAuthPath.Mcp || appResponses.has(response)) return response;
			return explainAuthFailure(response, request.url);
		} catch (error) {
			// Outside the app's own error handler (configuration, the provider): still no stack trace on the wire.
			return isSignInPage ? errorPage(error) : errorResponse(error);
		}
	},

	async scheduled(controller, env) {
		await sweepRetention(openDatabase(env.DB), readConfig(env), controller.scheduledTime);
	},
} satisfies ExportedHandler<Env>;
