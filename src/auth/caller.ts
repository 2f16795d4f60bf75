/**
 * Who is calling: the verified principal of a request, the props the OAuth
 * provider keeps for it, the 401 challenge when there is none, and the session
 * owner a legacy session object checks. Nothing here imports `http/`: whether
 * a loopback request may skip authentication is decided at the front door
 * (`src/http/auth-bypass.ts`) and handed in.
 */
import type { Context } from "hono";
import { clampSessionTimeout, type ServerConfig } from "../config";
import { openDatabase } from "../db/database";
import type { UserRole } from "../db/identity-schema";
import { JsonRpcCode, McpHttpError } from "../errors";
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
		(props.credential.kind === "api_token" || props.credential.kind === "oauth")
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

/** 401 with the challenge that points clients at the resource metadata (RFC 9728 §5.1, MCP authorization). */
export function unauthorized(requestUrl: string, error?: "invalid_token"): McpHttpError {
	const metadata = new URL(PROTECTED_RESOURCE_METADATA_PATH, requestUrl).href;
	const challenge = error
		? `Bearer error="${error}", resource_metadata="${metadata}"`
		: `Bearer resource_metadata="${metadata}"`;
	return new McpHttpError(
		401,
		JsonRpcCode.ServerError,
		"Unauthorized: a valid bearer token is required",
		{ "WWW-Authenticate": challenge },
	);
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
		owner: principal ? { userId: principal.userId, email: principal.email } : null,
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
