/**
 * Bearer tokens from the caller's `getToken`, refreshed once on a 401.
 *
 * The first request waits for `getToken()`; later requests reuse its token.
 * A 401 to a request that carried the current token calls `getToken()` once
 * more and sends that request again. Concurrent requests that fail with the
 * same token share that one call (single flight), and a request that failed
 * with a token already replaced just retries with the new one, so a rotated
 * token costs one call whatever the concurrency. A 401 to the retry is final:
 * `UNAUTHORIZED`, with the server's `resource_metadata` URL when it sent one.
 */
import { extractWWWAuthenticateParams } from "@modelcontextprotocol/client";
import { describeError, MCPClientError } from "./errors.js";
import type { FetchFunction } from "./options.js";

/** Where the client gets a bearer token: a string, or a promise of one. */
export type TokenProvider = () => string | Promise<string>;

/** Holds the current token and makes sure only one refresh runs at a time. */
class TokenSource {
	readonly #getToken: TokenProvider;
	#token: Promise<string> | undefined;

	constructor(getToken: TokenProvider) {
		this.#getToken = getToken;
	}

	/** The current token, asking `getToken` only when there is none yet (or the last ask failed). */
	current(): Promise<string> {
		this.#token ??= this.#load();
		return this.#token;
	}

	/** A token newer than `used`: the one another request already fetched, or one fresh call. */
	async renew(used: string): Promise<string> {
		const pending = this.#token;
		const now = await pending?.catch(() => undefined);
		// Another request replaced the token while this one was in flight, or is replacing it now.
		if (this.#token !== pending || (now !== undefined && now !== used)) return this.current();
		this.#token = this.#load();
		return this.#token;
	}

	#load(): Promise<string> {
		const loading = (async () => {
			let token: unknown;
			try {
				token = await this.#getToken();
			} catch (error) {
				throw new MCPClientError("UNAUTHORIZED", `getToken failed: ${describeError(error)}`, {
					cause: error,
				});
			}
			if (typeof token !== "string" || token === "") {
				throw new MCPClientError("UNAUTHORIZED", "getToken must return a non-empty string");
			}
			return token;
		})();
		// A failed ask is not cached: the next request asks again.
		loading.catch(() => {
			if (this.#token === loading) this.#token = undefined;
		});
		return loading;
	}
}

/**
 * Wraps `fetch` so every request carries `Authorization: Bearer <token>`
 * from `getToken`, renewed once on a 401 as described above.
 */
export function createTokenFetch(fetch: FetchFunction, getToken: TokenProvider): FetchFunction {
	const tokens = new TokenSource(getToken);
	return async (input, init = {}) => {
		const send = (token: string) => {
			const headers = new Headers(init.headers);
			headers.set("authorization", `Bearer ${token}`);
			return fetch(input, { ...init, headers });
		};
		const first = await tokens.current();
		const response = await send(first);
		if (response.status !== 401) return response;
		await response.body?.cancel().catch(() => undefined);
		const retried = await send(await tokens.renew(first));
		if (retried.status !== 401) return retried;
		throw await unauthorizedError(retried);
	};
}

/** The typed error for a 401 the client cannot get past. */
export async function unauthorizedError(response: Response): Promise<MCPClientError> {
	const { resourceMetadataUrl } = extractWWWAuthenticateParams(response);
	await response.body?.cancel().catch(() => undefined);
	return new MCPClientError("UNAUTHORIZED", "HTTP 401: the server refused the credentials", {
		status: 401,
		resourceMetadataUrl: resourceMetadataUrl?.href,
	});
}
