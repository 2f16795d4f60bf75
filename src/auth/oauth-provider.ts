/**
 * The OAuth 2.1 authorization server in front of the app:
 * `@cloudflare/workers-oauth-provider` (PKCE S256, dynamic client
 * registration, RFC 8414 and RFC 9728 metadata) guards `/mcp`. A request
 * without a valid bearer token issued for this server's `/mcp` gets 401 with a
 * `resource_metadata` challenge; API tokens (`archon_...`) are accepted
 * through the provider's external-token hook. The Worker entry
 * (`src/worker.ts`) decides which requests reach it.
 */
import { OAuthProvider } from "@cloudflare/workers-oauth-provider";
import { openDatabase } from "../db/database";
import { principalFromApiToken } from "./authenticate";

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

/** Hosts a Worker answers on are few; the cache of per-origin providers is capped all the same. */
const MAX_CACHED_ORIGINS = 16;

/** The handler the provider passes authenticated `/mcp` requests and every other route to. */
export type AppHandler = ExportedHandler<Env> & {
	fetch: NonNullable<ExportedHandler<Env>["fetch"]>;
};

/**
 * A function that returns the provider for a request's origin, built once per
 * origin (per isolate) around `app`.
 *
 * @example
 * const providerFor = oauthProviders(appHandler);
 * return providerFor(new URL(request.url).origin).fetch(request, env, ctx);
 */
export function oauthProviders(app: AppHandler): (origin: string) => OAuthProvider<Env> {
	const providers = new Map<string, OAuthProvider<Env>>();
	return (origin) => {
		let provider = providers.get(origin);
		if (!provider) {
			if (providers.size >= MAX_CACHED_ORIGINS) providers.clear();
			provider = createProvider(origin, app);
			providers.set(origin, provider);
		}
		return provider;
	};
}

/**
 * The provider for one origin. The token audience is that origin's `/mcp`, so
 * a token issued for another server (or another host of this one) is refused.
 */
function createProvider(origin: string, app: AppHandler): OAuthProvider<Env> {
	const resource = `${origin}${OAuthPath.Mcp}`;
	return new OAuthProvider<Env>({
		apiRoute: OAuthPath.Mcp,
		apiHandler: app,
		defaultHandler: app,
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
