/**
 * The verified caller of a request reaching the app: props set by the OAuth
 * provider (which verified the bearer token and its audience), or nobody when
 * auth is off on loopback. Anything else is a 401, so a route can never be
 * reached unauthenticated by a misconfiguration.
 */
import type { Context } from "hono";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { JsonRpcCode, McpHttpError } from "../errors";
import { isAuthOff } from "./auth-mode";
import { principalFromProps } from "./authenticate";
import type { Principal } from "./principal";

/** Path of the RFC 9728 metadata of the `/mcp` resource. */
export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource/mcp";

/** The caller of `c`, null when auth is off; throws a 401 challenge otherwise. */
export async function requestPrincipal(c: Context<{ Bindings: Env }>): Promise<Principal | null> {
	const props = executionProps(c);
	if (props !== undefined) {
		const principal = await principalFromProps(openDatabase(c.env.DB), props);
		if (principal) return principal;
		throw unauthorized(c.req.url, "invalid_token");
	}
	if (isAuthOff(c.req.raw, readConfig(c.env))) return null;
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
		{
			"WWW-Authenticate": challenge,
		},
	);
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
