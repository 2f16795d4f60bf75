/**
 * The client side of the OAuth tests: dynamic client registration, PKCE, the
 * code exchange, and a form client for `/authorize` that keeps cookies as a
 * browser would but sends no `Origin` or `Sec-Fetch-*`, like any client that
 * is not a browser. What a browser sends is proved by `npm run test:browser`.
 */
import { expect } from "vitest";
import {
	authorizationQuery,
	exchangeRequest,
	pkcePair,
	registrationRequest,
} from "../../scripts/lib/oauth-requests";
import { OAuthPath } from "../../src/auth/oauth-provider";
import { PUBLIC_MCP_URL, PUBLIC_ORIGIN } from "./identity";
import { fetchWorker } from "./mcp";
import { fetchAndSettle } from "./modern";

/** The redirect URI every test client registers: a loopback app. */
export const REDIRECT_URI = "http://127.0.0.1:9999/callback";

/** The `state` the tests send. */
export const STATE = "state-1";

/** A PKCE verifier and its S256 challenge. */
export const pkce = pkcePair;

/** Options of a `FormClient`: what the requests carry besides the form. */
export interface FormClientOptions {
	/** Headers to send with every request (e.g. `cf-connecting-ip`). */
	readonly headers?: Record<string, string>;
	/** Configuration variables in force for these requests only. */
	readonly vars?: Record<string, string>;
}

/** Registers a public client (RFC 7591) and returns its id. */
export async function registerClient(name = "Test Agent"): Promise<string> {
	const response = await fetchWorker(
		`${PUBLIC_ORIGIN}${OAuthPath.Register}`,
		registrationRequest(name, REDIRECT_URI),
	);
	expect(response.status).toBe(201);
	return ((await response.json()) as { client_id: string }).client_id;
}

/** The `/authorize` URL of an authorization request. */
export function authorizeUrl(clientId: string, challenge: string): string {
	const query = authorizationQuery({
		clientId,
		redirectUri: REDIRECT_URI,
		challenge,
		state: STATE,
		resource: PUBLIC_MCP_URL,
	});
	return `${PUBLIC_ORIGIN}${OAuthPath.Authorize}?${query}`;
}

/** Exchanges an authorization code at the token endpoint. */
export function exchangeCode(
	clientId: string,
	code: string,
	verifier: string,
	resource = PUBLIC_MCP_URL,
): Promise<Response> {
	return fetchWorker(
		`${PUBLIC_ORIGIN}${OAuthPath.Token}`,
		exchangeRequest({ clientId, redirectUri: REDIRECT_URI, code, verifier, resource }),
	);
}

/** What the token endpoint issued. */
export interface IssuedTokens {
	readonly access_token: string;
	readonly refresh_token?: string;
}

/**
 * Signs in with `credentials` on a new authorization request of `clientId`,
 * allows, and exchanges the code: the tokens the client ends up with.
 */
export async function obtainTokens(
	clientId: string,
	credentials: Record<string, string>,
): Promise<IssuedTokens> {
	const { verifier, challenge } = await pkce();
	const approved = await signInAndAllow(clientId, challenge, credentials);
	expect(approved.status).toBe(302);
	const code = redirectParams(approved).get("code") ?? "";
	const tokens = await exchangeCode(clientId, code, verifier);
	expect(tokens.status).toBe(200);
	return (await tokens.json()) as IssuedTokens;
}

/** Uses a refresh token at the token endpoint. */
export function refresh(clientId: string, refreshToken: string): Promise<Response> {
	return fetchWorker(`${PUBLIC_ORIGIN}${OAuthPath.Token}`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({
			grant_type: "refresh_token",
			client_id: clientId,
			refresh_token: refreshToken,
		}),
	});
}

/** A page of the flow, read once. */
export interface FormPage {
	readonly response: Response;
	readonly html: string;
	/** The form's one-time handle, or "" when the page has no form. */
	readonly handle: string;
}

/**
 * Opens `/authorize` and posts its forms with the cookies it set, following
 * no redirect (a redirect goes to the client).
 *
 * @example
 * const client = new FormClient(authorizeUrl(clientId, challenge));
 * const signIn = await client.open();
 * const confirm = await client.submit({ handle: signIn.handle, decision: "sign-in", token });
 */
export class FormClient {
	readonly #url: string;
	readonly #options: FormClientOptions;
	readonly #cookies = new Map<string, string>();

	constructor(url: string, options: FormClientOptions = {}) {
		this.#url = url;
		this.#options = options;
	}

	/** GET the page. */
	open(): Promise<FormPage> {
		return this.#read(this.#send({ headers: { ...this.#options.headers } }));
	}

	/** POST the form with `fields` and this client's cookies. */
	submit(fields: Record<string, string>, cookies = this.cookieHeader()): Promise<FormPage> {
		return this.#read(
			this.#send({
				method: "POST",
				redirect: "manual",
				headers: {
					...this.#options.headers,
					"content-type": "application/x-www-form-urlencoded",
					cookie: cookies,
				},
				body: new URLSearchParams(fields),
			}),
		);
	}

	/** The `Cookie` header this client sends. */
	cookieHeader(): string {
		return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
	}

	#send(init: RequestInit): Promise<Response> {
		if (this.#options.vars === undefined) return fetchWorker(this.#url, init);
		return fetchAndSettle(new Request(this.#url, init), this.#options.vars);
	}

	async #read(pending: Promise<Response>): Promise<FormPage> {
		const response = await pending;
		for (const cookie of response.headers.getSetCookie()) {
			const [pair = ""] = cookie.split(";");
			const [name = "", value = ""] = pair.split("=");
			if (/max-age=0/i.test(cookie)) this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
		const html = await response.text();
		const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1] ?? "";
		return { response, html, handle };
	}
}

/**
 * The whole flow with `credentials` (email and password, or token): sign in,
 * then allow. Returns the last answer: the redirect to the client, or the page
 * where the flow stopped.
 */
export async function signInAndAllow(
	clientId: string,
	challenge: string,
	credentials: Record<string, string>,
): Promise<Response> {
	const client = new FormClient(authorizeUrl(clientId, challenge));
	const form = await client.open();
	expect(form.response.status).toBe(200);
	const confirm = await client.submit({ handle: form.handle, decision: "sign-in", ...credentials });
	if (confirm.response.status !== 200) return confirm.response;
	return (await client.submit({ handle: confirm.handle, decision: "allow" })).response;
}

/** The query of a redirect to the client. */
export function redirectParams(response: Response): URLSearchParams {
	const location = new URL(response.headers.get("location") ?? "");
	expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
	return location.searchParams;
}
