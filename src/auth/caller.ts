/**
 * Who is calling: the verified principal of a request, the props the OAuth
 * provider keeps for it, the 401 challenge and the body that explains it when
 * there is none, and the session owner a legacy session object checks. Nothing here imports `http/`: whether
 * a loopback request may skip authentication is decided at the front door
 * (`src/http/auth-bypass.ts`) and handed in.
 */
import type { Context } from "hono";
import { clampSessionTimeout, type ServerConfig } from "../config";
import { openDatabase } from "../db/database";
import type { UserRole } from "../db/identity-schema";
import { errorResponse, JsonRpcCode, McpHttpError } from "../errors";
import type { SessionOwner } from "../session/session-record";
import { principalFromProps } from "./authenticate";

/** How a request proved who it is. */
export type CredentialKind = "api_token" | "oauth";

/** A verified caller. */
export interface Principal {
	readonly userId: string;
	readonly email: string;
	readonly role: UserRole;
	/** The credential: an API token id, or the OAuth client id the access token was issued to. */
	readonly credential: { readonly kind: CredentialKind; readonly id: string };
	/** The idle timeout this client asked for (seconds, unclamped), or null for the server default. */
	readonly sessionTimeoutSeconds: number | null;
	/**
	 * For an OAuth grant signed in on `/authorize` with an API token: that
	 * token's id. The grant works only while the token does.
	 */
	readonly signInTokenId?: string;
}

/**
 * What the OAuth provider stores with a grant and hands back on every request
 * (`ctx.props`). API tokens resolve to the same shape.
 */
export type AuthProps = Principal;

/** Path of the RFC 9728 metadata of the `/mcp` resource. */
export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource/mcp";

/** True for a value shaped like `AuthProps` (props come back from storage as plain JSON). */
export function isAuthProps(value: unknown): value is AuthProps {
	if (typeof value !== "object" || value === null) return false;
	const props = value as Partial<AuthProps>;
	return (
		typeof props.userId === "string" &&
		typeof props.email === "string" &&
		(props.role === "admin" || props.role === "member") &&
		typeof props.credential?.id === "string" &&
		(props.credential.kind === "api_token" || props.credential.kind === "oauth") &&
		(props.signInTokenId === undefined || typeof props.signInTokenId === "string")
	);
}

/**
 * The caller of `c`: the principal behind the props the OAuth provider set
 * (it verified the bearer token and its audience), re-checked in D1; null
 * when `authOff` (the front door let a loopback request through without
 * credentials). Anything else throws a 401, so a route can never be reached
 * unauthenticated by a misconfiguration.
 */
export async function requestPrincipal(
	c: Context<{ Bindings: Env }>,
	authOff: boolean,
): Promise<Principal | null> {
	const props = executionProps(c);
	if (props !== undefined) {
		const principal = await principalFromProps(openDatabase(c.env.DB), props);
		if (principal) return principal;
		throw unauthorized(c.req.url, "invalid_token");
	}
	if (authOff) return null;
	throw unauthorized(c.req.url);
}

/**
 * The user the OAuth provider's props for `c` name, before D1 confirms them
 * (`requestPrincipal`); null when there are none. The props are the
 * provider's, bound to a token it verified; what D1 adds is whether the user,
 * and a sign-in token, are still live.
 */
export function claimedUserId(c: Context<{ Bindings: Env }>): string | null {
	const props = executionProps(c);
	return isAuthProps(props) ? props.userId : null;
}

/** 401 with the challenge that points clients at the resource metadata (RFC 9728 §5.1, MCP authorization). */
export function unauthorized(requestUrl: string, error?: "invalid_token"): McpHttpError {
	const metadata = new URL(PROTECTED_RESOURCE_METADATA_PATH, requestUrl).href;
	const challenge = error
		? `Bearer error="${error}", resource_metadata="${metadata}"`
		: `Bearer resource_metadata="${metadata}"`;
	return authenticationError(401, requestUrl, challenge);
}

/**
 * The OAuth provider's own 401 or 403 for `/mcp` (an empty body, or an OAuth
 * error object) as the JSON-RPC error an MCP client shows its user, saying
 * how to authenticate; its headers, the `WWW-Authenticate` challenge first,
 * are kept. Any other response is returned as is.
 */
export function explainAuthFailure(response: Response, requestUrl: string): Response {
	if (response.status !== 401 && response.status !== 403) return response;
	const challenge = response.headers.get("www-authenticate") ?? "";
	const explained = errorResponse(authenticationError(response.status, requestUrl, challenge));
	const headers = new Headers(response.headers);
	for (const [name, value] of explained.headers) headers.set(name, value);
	headers.delete("content-length");
	return new Response(explained.body, { status: response.status, headers });
}

/**
 * A 401 or 403 whose message says how to authenticate: an API token as a
 * bearer token, or OAuth, whose authorization server the resource metadata names.
 */
function authenticationError(
	status: 401 | 403,
	requestUrl: string,
	challenge: string,
): McpHttpError {
	const metadata = new URL(PROTECTED_RESOURCE_METADATA_PATH, requestUrl).href;
	const how = `send an Archon API token as "Authorization: Bearer archon_...", or sign in with OAuth (the authorization server is named in the resource metadata at ${metadata})`;
	const message =
		status === 403
			? `Forbidden: the access token does not grant use of this MCP server; ${how}`
			: /error="invalid_token"/.test(challenge)
				? `Unauthorized: the bearer token is invalid, expired or revoked; ${how}`
				: `Unauthorized: authentication required; ${how}`;
	const headers: Record<string, string> = challenge ? { "WWW-Authenticate": challenge } : {};
	return new McpHttpError(status, JsonRpcCode.ServerError, message, headers);
}

/**
 * What a legacy session object checks for a request from `principal` (null
 * when auth is off): its owner, and the idle timeout its client asked for,
 * clamped into the server's bounds.
 */
export function ownerOf(
	principal: Principal | null,
	config: ServerConfig,
): { owner: SessionOwner | null; timeoutSeconds: number } {
	return {
		owner: principal
			? { userId: principal.userId, email: principal.email, role: principal.role }
			: null,
		timeoutSeconds: clampSessionTimeout(config, principal?.sessionTimeoutSeconds ?? null),
	};
}

function executionProps(c: Context<{ Bindings: Env }>): unknown {
	try {
		const props = (c.executionCtx as ExecutionContext & { props?: unknown }).props;
		return props && typeof props === "object" && Object.keys(props).length > 0 ? props : undefined;
	} catch {
		// Hono throws when there is no execution context (app.request() in unit tests).
		return undefined;
	}
}
