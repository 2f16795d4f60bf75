/**
 * The Worker entry and the front door of every request, in this order:
 *
 * 1. Host and Origin guard (`http/origin.ts`): 403 for DNS rebinding and for a
 *    browser origin outside the allow-list, before anything else runs;
 * 2. with `AUTH_MODE=off`, a loopback request goes straight to the app
 *    (`http/auth-bypass.ts`);
 * 3. otherwise the OAuth provider (`auth/oauth-provider.ts`) answers its own
 *    endpoints, and lets `/mcp` through only with a valid token (401 otherwise);
 * 4. the app (`http/app.ts`): CORS and the routes; `/mcp` says which protocol
 *    era a request belongs to and serves it in that lane (`http/mcp-route.ts`).
 *
 * The session Durable Object class is exported by name for `MCP_SESSION`.
 */
import { type AppHandler, oauthProviders } from "./auth/oauth-provider";
import { readConfig } from "./config";
import { errorResponse } from "./errors";
import { createApp } from "./http/app";
import { isAuthOff } from "./http/auth-bypass";
import { rejectUnsafeRequest } from "./http/origin";

export { McpSessionObject } from "./session/session-object";

const app = createApp();
const appHandler: AppHandler = { fetch: (request, env, ctx) => app.fetch(request, env, ctx) };
const providerFor = oauthProviders(appHandler);

export default {
	async fetch(request, env, ctx) {
		try {
			const config = readConfig(env);
			const refused = rejectUnsafeRequest(request, config);
			if (refused) return refused;
			if (isAuthOff(request, config)) return await appHandler.fetch(request, env, ctx);
			return await providerFor(new URL(request.url).origin).fetch(request, env, ctx);
		} catch (error) {
			// Outside the app's own error handler (configuration, the provider): still no stack trace on the wire.
			return errorResponse(error);
		}
	},
} satisfies ExportedHandler<Env>;
