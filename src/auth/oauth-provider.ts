/**
 * The OAuth 2.1 authorization server in front of the app:
 * `@cloudflare/workers-oauth-provider` (PKCE S256, dynamic client
 * registration unless `OAUTH_DCR=off`, RFC 8414 and RFC 9728 metadata) guards `/mcp`. A request
 * without a valid bearer token issued for this server's `/mcp` gets 401 with a
 * `resource_metadata` challenge; API tokens (`archon_...`) are accepted
 * through the provider's external-token hook. The Worker entry
 * (`src/worker.ts`) decides which requests reach it.
 */
import {
	GrantType,
	getOAuthApi,
	OAuthError,
	type OAuthHelpers,
	OAuthProvider,
	type OAuthProviderOptions,
	type TokenExchangeCallbackResult,
} from "@cloudflare/workers-oauth-provider";
import type { DcrMode } from "../config";
import { type Database, openDatabase } from "../db/database";
import { findToken } from "../db/identity-queries";
import { principalFromApiToken, principalFromProps } from "./authenticate";

/** The one scope this server grants: use of its MCP tools. */
export const MCP_SCOPE = "mcp";

/** Paths the provider serves or links to. */
export const OAuthPath = {
	Authorize: "/authorize",
	Token: "/oauth/token",
	Register: "/oauth/register",
	Mcp: "/mcp",
} as const;

/** Access tokens live 1 hour (seconds). */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** Refresh tokens (and so grants) live 30 days (seconds), the library default. */
const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

/** The shortest refresh-token lifetime the provider accepts (seconds; KV's minimum expiry). */
const MIN_REFRESH_TOKEN_TTL_SECONDS = 60;

/** Hosts a Worker answers on are few; the cache of per-origin providers is capped all the same. */
const MAX_CACHED_ORIGINS = 16;

/** The handler the provider passes authenticated `/mcp` requests and every other route to. */
export type AppHandler = ExportedHandler<Env> & {
	fetch: NonNullable<ExportedHandler<Env>["fetch"]>;
};

/**
 * A function that returns the provider for a request's origin, built once per
 * origin and `OAUTH_DCR` setting (per isolate) around `app`.
 *
 * @example
 * const providerFor = oauthProviders(appHandler);
 * return providerFor(new URL(request.url).origin, config.oauthDcr).fetch(request, env, ctx);
 */
export function oauthProviders(
	app: AppHandler,
): (origin: string, dcr: DcrMode) => OAuthProvider<Env> {
	const providers = new Map<string, OAuthProvider<Env>>();
	return (origin, dcr) => {
		const key = `${dcr} ${origin}`;
		let provider = providers.get(key);
		if (!provider) {
			if (providers.size >= MAX_CACHED_ORIGINS) providers.clear();
			provider = createProvider(origin, app, dcr);
			providers.set(key, provider);
		}
		return provider;
	};
}

/**
 * The provider for one origin. The token audience is that origin's `/mcp`, so
 * a token issued for another server (or another host of this one) is refused.
 * With `OAUTH_DCR=off` it neither serves nor advertises `/oauth/register`;
 * clients named by a metadata document URL still sign in.
 */
function createProvider(origin: string, app: AppHandler, dcr: DcrMode): OAuthProvider<Env> {
	return new OAuthProvider<Env>(providerOptions(origin, app, dcr));
}

/**
 * The provider's helpers (`OAuthHelpers`) outside its own request handling:
 * the grant API of the admin routes.
 *
 * @example
 * const grants = await oauthHelpers(env, origin).listUserGrants(userId);
 */
export function oauthHelpers(env: Env, origin: string): OAuthHelpers {
	// Helpers never route a request; the handlers only complete the options.
	const unrouted: AppHandler = { fetch: () => new Response(null, { status: 404 }) };
	return getOAuthApi(providerOptions(origin, unrouted, "on"), env);
}

function providerOptions(origin: string, app: AppHandler, dcr: DcrMode): OAuthProviderOptions<Env> {
	const resource = `${origin}${OAuthPath.Mcp}`;
	return {
		apiRoute: OAuthPath.Mcp,
		apiHandler: app,
		defaultHandler: app,
		authorizeEndpoint: OAuthPath.Authorize,
		tokenEndpoint: OAuthPath.Token,
		...(dcr === "on" ? { clientRegistrationEndpoint: OAuthPath.Register } : {}),
		scopesSupported: [MCP_SCOPE],
		requiredScopes: [MCP_SCOPE],
		accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
		refreshTokenTTL: REFRESH_TOKEN_TTL_SECONDS,
		// Clients may name themselves by an HTTPS metadata URL (MCP 2025-11-25); needs global_fetch_strictly_public.
		clientIdMetadataDocumentEnabled: true,
		resourceMetadata: { resource, resource_name: "Archon MCP" },
		resolveExternalToken: async ({ token, env }) => {
			const principal = await principalFromApiToken(openDatabase(env.DB), token);
			return principal ? { props: principal, audience: resource } : null;
		},
		tokenExchangeCallback: ({ grantType, props, env }) =>
			checkGrant(openDatabase(env.DB), grantType, props),
	};
}

/**
 * Runs at every code exchange and refresh. A grant whose user is disabled, or
 * that was signed in with an API token since revoked or expired, gets
 * `invalid_grant`, on which the provider revokes it with its tokens. The
 * refresh token of a grant signed in with an expiring API token expires with
 * that token (none when it has less than a minute left).
 */
async function checkGrant(
	db: Database,
	grantType: GrantType,
	props: unknown,
	now = Date.now(),
): Promise<TokenExchangeCallbackResult | undefined> {
	const principal = await principalFromProps(db, props, now);
	if (!principal) {
		throw new OAuthError("invalid_grant", {
			description: "The credentials behind this grant no longer work; sign in again",
		});
	}
	if (grantType !== GrantType.AUTHORIZATION_CODE || principal.signInTokenId === undefined) {
		return undefined;
	}
	const expiresAt = (await findToken(db, principal.signInTokenId))?.expiresAt ?? null;
	if (expiresAt === null) return undefined;
	const left = Math.floor((expiresAt - now) / 1000);
	return {
		refreshTokenTTL:
			left < MIN_REFRESH_TOKEN_TTL_SECONDS ? 0 : Math.min(left, REFRESH_TOKEN_TTL_SECONDS),
	};
}
