/**
 * The parts of an OAuth client that are not the browser's, as an MCP client
 * runs them: the server's metadata (RFC 8414), dynamic client registration,
 * the authorization URL with PKCE, and the code exchange.
 */
import {
	authorizationQuery,
	exchangeRequest,
	pkcePair,
	registrationRequest,
} from "../lib/oauth-requests.ts";

/** One authorization request: where to send the browser, and what to exchange the code with. */
export interface Authorization {
	readonly clientId: string;
	readonly state: string;
	readonly verifier: string;
	readonly redirectUri: string;
	/** The authorization endpoint with PKCE S256, `state`, scope and resource. */
	readonly url: string;
	/** Where the code is exchanged. */
	readonly tokenEndpoint: string;
	/** The protected resource: the server's `/mcp`. */
	readonly resource: string;
}

/** What the token endpoint answered. */
export interface TokenReply {
	readonly status: number;
	readonly accessToken: string | undefined;
	readonly body: string;
}

/** The endpoints this test uses from the authorization server's metadata. */
interface ServerMetadata {
	readonly authorization_endpoint: string;
	readonly token_endpoint: string;
	readonly registration_endpoint: string;
}

/**
 * Finds the server's endpoints, registers a public client named `clientName`
 * with `redirectUri`, and builds an authorization request for `mcpUrl`.
 *
 * @example
 * const authorization = await startAuthorization(server.origin, server.mcpUrl, callback.redirectUri, "Test");
 * await page.goto(authorization.url);
 */
export async function startAuthorization(
	origin: string,
	mcpUrl: string,
	redirectUri: string,
	clientName: string,
): Promise<Authorization> {
	const metadata = (await readJson(
		await fetch(`${origin}/.well-known/oauth-authorization-server`),
		200,
		"authorization server metadata",
	)) as ServerMetadata;
	const registration = await fetch(
		metadata.registration_endpoint,
		registrationRequest(clientName, redirectUri),
	);
	const { client_id: clientId } = (await readJson(registration, 201, "registration")) as {
		client_id: string;
	};
	const { verifier, challenge } = await pkcePair();
	const state = crypto.randomUUID();
	const query = authorizationQuery({ clientId, redirectUri, challenge, state, resource: mcpUrl });
	return {
		clientId,
		state,
		verifier,
		redirectUri,
		url: `${metadata.authorization_endpoint}?${query}`,
		tokenEndpoint: metadata.token_endpoint,
		resource: mcpUrl,
	};
}

/** Exchanges `code` for tokens, as the client that made `authorization`. */
export async function exchangeCode(
	authorization: Authorization,
	code: string,
): Promise<TokenReply> {
	const { clientId, redirectUri, verifier, resource } = authorization;
	const response = await fetch(
		authorization.tokenEndpoint,
		exchangeRequest({ clientId, redirectUri, code, verifier, resource }),
	);
	const body = await response.text();
	let accessToken: string | undefined;
	try {
		accessToken = (JSON.parse(body) as { access_token?: string }).access_token;
	} catch {
		accessToken = undefined;
	}
	return { status: response.status, accessToken, body };
}

/** The JSON body of `response`; throws with the body when the status is not `status`. */
async function readJson(response: Response, status: number, what: string): Promise<unknown> {
	const text = await response.text();
	if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${text}`);
	return JSON.parse(text) as unknown;
}
