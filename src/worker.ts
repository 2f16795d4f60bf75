/**
 * The Worker entry and the front door of every request, in this order:
 *
 * 1. Host and Origin guard (`http/origin.ts`): 403 for DNS rebinding and for a
 *    browser origin outside the allow-list, before anything else runs (on
 *    `/authorize`, anything but the server's own origin);
 * 2. with `AUTH_MODE=off`, a loopback request goes straight to the app
 *    (`http/auth-bypass.ts`);
 * 3. otherwise the OAuth provider (`auth/oauth-provider.ts`) answers its own
 *    endpoints, and lets `/mcp` through only with a valid token (401 otherwise);
 * 4. the app (`http/app.ts`): CORS and the routes; `/mcp` says which protocol
 *    era a request belongs to and serves it in that lane (`http/mcp-route.ts`).
 *
 * The session Durable Object class is exported by name for `MCP_SESSION`.
 */
import { errorPage, failurePage } from "./auth/authorize-html";
import { type AppHandler, OAuthPath, oauthProviders } from "./auth/oauth-provider";
import { readConfig } from "./config";
import { errorResponse } from "./errors";
import { createApp } from "./http/app";
import { isAuthOff } from "./http/auth-bypass";
import { rejectUnsafeRequest, type UnsafeRequestOptions } from "./http/origin";

export { McpSessionObject } from "./session/session-object";

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
const appHandler: AppHandler = { fetch: (request, env, ctx) => app.fetch(request, env, ctx) };
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
			return await providerFor(url.origin).fetch(request, env, ctx);
		} catch (error) {
			// Outside the app's own error handler (configuration, the provider): still no stack trace on the wire.
			return isSignInPage ? errorPage(error) : errorResponse(error);
		}
	},
} satisfies ExportedHandler<Env>;
