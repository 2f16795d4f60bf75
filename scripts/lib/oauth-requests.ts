/**
 * What a public OAuth client (an MCP client) sends to this server: dynamic
 * client registration (RFC 7591), PKCE S256 (RFC 7636), the authorization
 * request and the code exchange. Web standards only, so the workerd tests and
 * the Node browser test build the same requests; where to send them is the
 * caller's (the browser test reads the server's RFC 8414 metadata).
 */

/** One authorization request's parameters. */
export interface AuthorizationParams {
	readonly clientId: string;
	readonly redirectUri: string;
	readonly challenge: string;
	readonly state: string;
	/** The protected resource, this server's `/mcp`. */
	readonly resource: string;
}

/** A code exchange's parameters. */
export interface ExchangeParams {
	readonly clientId: string;
	readonly redirectUri: string;
	readonly code: string;
	readonly verifier: string;
	readonly resource: string;
}

/** A PKCE verifier and its S256 challenge, both base64url. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
	const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
	return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

/** The registration of a public client with one redirect URI, for `POST /oauth/register`. */
export function registrationRequest(clientName: string, redirectUri: string): RequestInit {
	return {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			client_name: clientName,
			redirect_uris: [redirectUri],
			token_endpoint_auth_method: "none",
			grant_types: ["authorization_code", "refresh_token"],
		}),
	};
}

/** The query of `GET /authorize`: code flow, PKCE S256, the `mcp` scope and the resource. */
export function authorizationQuery(params: AuthorizationParams): URLSearchParams {
	return new URLSearchParams({
		response_type: "code",
		client_id: params.clientId,
		redirect_uri: params.redirectUri,
		code_challenge: params.challenge,
		code_challenge_method: "S256",
		state: params.state,
		scope: "mcp",
		resource: params.resource,
	});
}

/** The code exchange, for `POST /oauth/token`. */
export function exchangeRequest(params: ExchangeParams): RequestInit {
	return {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({
			grant_type: "authorization_code",
			code: params.code,
			redirect_uri: params.redirectUri,
			client_id: params.clientId,
			code_verifier: params.verifier,
			resource: params.resource,
		}),
	};
}

function base64url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
