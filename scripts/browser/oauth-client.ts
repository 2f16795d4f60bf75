/**
 * The parts of an OAuth client that are not the browser's: dynamic client
 * registration (RFC 7591), PKCE (RFC 7636), the authorization URL and the
 * code exchange, as an MCP client runs them against the server.
 */
import { createHash, randomBytes } from "node:crypto";

/** One authorization request: where to send the browser, and what to exchange the code with. */
export interface Authorization {
	readonly clientId: string;
	readonly state: string;
	readonly verifier: string;
	/** `<origin>/authorize?...` with PKCE S256, `state`, scope and resource. */
	readonly url: string;
}

/** What the token endpoint answered. */
export interface TokenReply {
	readonly status: number;
	readonly accessToken: string | undefined;
	readonly body: string;
}

/**
 * Registers a public client named `clientName` with `redirectUri`, and builds
 * an authorization request for the server's `/mcp`.
 *
 * @example
 * const authorization = await startAuthorization(server.origin, callback.redirectUri, "Browser Test");
 * await page.goto(authorization.url);
 */
export async function startAuthorization(
	origin: string,
	redirectUri: string,
	clientName: string,
): Promise<Authorization> {
	const response = await fetch(`${origin}/oauth/register`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			client_name: clientName,
			redirect_uris: [redirectUri],
			token_endpoint_auth_method: "none",
			grant_types: ["authorization_code", "refresh_token"],
		}),
	});
	const text = await response.text();
	if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${text}`);
	const clientId = (JSON.parse(text) as { client_id: string }).client_id;
	const verifier = randomBytes(32).toString("base64url");
	const state = randomBytes(16).toString("base64url");
	const query = new URLSearchParams({
		response_type: "code",
		client_id: clientId,
		redirect_uri: redirectUri,
		code_challenge: createHash("sha256").update(verifier).digest("base64url"),
		code_challenge_method: "S256",
		state,
		scope: "mcp",
		resource: `${origin}/mcp`,
	});
	return { clientId, state, verifier, url: `${origin}/authorize?${query}` };
}

/** Exchanges `code` for tokens, as the client that made `authorization`. */
export async function exchangeCode(
	origin: string,
	redirectUri: string,
	authorization: Authorization,
	code: string,
): Promise<TokenReply> {
	const response = await fetch(`${origin}/oauth/token`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({
			grant_type: "authorization_code",
			code,
			redirect_uri: redirectUri,
			client_id: authorization.clientId,
			code_verifier: authorization.verifier,
			resource: `${origin}/mcp`,
		}),
	});
	const body = await response.text();
	let accessToken: string | undefined;
	try {
		accessToken = (JSON.parse(body) as { access_token?: string }).access_token;
	} catch {
		accessToken = undefined;
	}
	return { status: response.status, accessToken, body };
}
