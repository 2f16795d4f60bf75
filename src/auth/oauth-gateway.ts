/**
 * The Worker's front door. Disallowed browser origins are refused first (on
 * `/authorize`, anything but the server's own); then
 * `@cloudflare/workers-oauth-provider` is the OAuth
 * 2.1 authorization server (PKCE S256, dynamic client registration, RFC 8414
 * and RFC 9728 metadata) and guards `/mcp`: a request without a valid bearer
 * token issued for this server's `/mcp` gets 401 with a `resource_metadata`
 * challenge. API tokens (`archon_...`) are accepted through the provider's
 * external-token hook. With `AUTH_MODE=off`, loopback requests skip all of it.
 */
import { OAuthProvider } from "@cloudflare/workers-oauth-provider";
import type { Hono } from "hono";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { errorResponse } from "../errors";
import { rejectUnsafeRequest, type UnsafeRequestOptions } from "../http/origin";
import { isAuthOff } from "./auth-mode";
import { principalFromApiToken } from "./authenticate";
import { errorPage, failurePage } from "./authorize-html";

/** The one scope this server grants: use of its MCP tools. */
export const MCP_SCOPE = "mcp";

/** Paths the provider serves or links to. */
export const OAuthPath = {
	Authorize: "/authorize",
	Token: "/oauth/token",
	Register: "/oauth/register",
	Mcp: "/mcp",
} as const;

/** Access tokens live 1 hour (seconds); refresh tokens 30 days (the library default). */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

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

/** Hosts a Worker answers on are few; the cache of per-origin providers is capped all the same. */
const MAX_CACHED_ORIGINS = 16;

/** Builds the Worker entry around the app. */
export function createWorker(app: Hono<{ Bindings: Env }>): ExportedHandler<Env> {
	const appHandler = {
		fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, env, ctx),
	};
	const providers = new Map<string, OAuthProvider<Env>>();
	const providerFor = (origin: string): OAuthProvider<Env> => {
		let provider = providers.get(origin);
		if (!provider) {
			if (providers.size >= MAX_CACHED_ORIGINS) providers.clear();
			provider = createProvider(origin, appHandler);
			providers.set(origin, provider);
		}
		return provider;
	};
	return {
		async fetch(request, env, ctx) {
			const url = new URL(request.url);
			// The sign-in page answers people: its refusals and failures are pages too.
			const isSignInPage = url.pathname === OAuthPath.Authorize;
			try {
				const config = readConfig(env);
				// DNS-rebinding defence comes before anything else, authentication included.
				const refused = rejectUnsafeRequest(
					request,
					config,
					isSignInPage ? SIGN_IN_PAGE_ORIGINS : {},
				);
				if (refused) return refused;
				if (isAuthOff(request, config)) return await app.fetch(request, env, ctx);
				return await providerFor(url.origin).fetch(request, env, ctx);
			} catch (error) {
				// Outside the app's own error handler (configuration, the provider): still no stack trace on the wire.
				return isSignInPage ? errorPage(error) : errorResponse(error);
			}
		},
	};
}

/**
 * The provider for one origin. The token audience is that origin's `/mcp`, so
 * a token issued for another server (or another host of this one) is refused.
 */
function createProvider(
	origin: string,
	appHandler: ExportedHandler<Env> & { fetch: NonNullable<ExportedHandler<Env>["fetch"]> },
): OAuthProvider<Env> {
	const resource = `${origin}${OAuthPath.Mcp}`;
	return new OAuthProvider<Env>({
		apiRoute: OAuthPath.Mcp,
		apiHandler: appHandler,
		defaultHandler: appHandler,
		authorizeEndpoint: OAuthPath.Authorize,
		tokenEndpoint: OAuthPath.Token,
		clientRegistrationEndpoint: OAuthPath.Register,
		scopesSupported: [MCP_SCOPE],
		requiredScopes: [MCP_SCOPE],
		accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
		// Clients may name themselves by an HTTPS metadata URL (MCP 2025-11-25); needs global_fetch_strictly_public.
		clientIdMetadataDocumentEnabled: true,
		resourceMetadata: { resource, resource_name: "Archon MCP" },
		resolveExternalToken: async ({ token, env }) => {
			const principal = await principalFromApiToken(openDatabase(env.DB), token);
			return principal ? { props: principal, audience: resource } : null;
		},
	});
}
