/**
 * Calls to a running server's admin API (`/api/...`) with an admin's API
 * token: ending live sessions and revoking OAuth grants at once after a
 * revocation in D1, and the `grant` commands, which always need the server
 * (grants live in the OAuth provider's encrypted KV storage, not in D1).
 */
import { failure } from "./errors.ts";

/** How to reach the server's admin API. */
export interface ServerAccess {
	/** Base URL, e.g. `https://archon.example.com` (validated by `checkServerUrl`). */
	readonly baseUrl: string;
	/** Bearer token of an admin; "" sends none (a loopback server with auth off needs none). */
	readonly adminToken: string;
}

/** Options of `callServer`. */
export interface CallOptions {
	/** Sent as a JSON body. */
	readonly body?: unknown;
	/** Longest the server may take, in ms; `REQUEST_TIMEOUT_MS` by default. */
	readonly timeoutMs?: number;
}

/** Longest the server may take to answer (10 seconds). */
const REQUEST_TIMEOUT_MS = 10_000;

/** Characters of an error body worth printing. */
const MAX_ERROR_BODY_CHARS = 300;

/** The URL of `path` (e.g. `/api/users/1/grants`) on the server. */
export function serverUrl(access: ServerAccess, path: string): string {
	return `${access.baseUrl.replace(/\/+$/, "")}${path}`;
}

/**
 * Calls `method path` on the server and returns its JSON body (undefined for
 * 204). Throws a failure that says what the server answered.
 *
 * @example
 * const body = await callServer(fetch, access, "GET", `/api/users/${id}/grants`);
 */
export async function callServer(
	fetchFn: typeof fetch,
	access: ServerAccess,
	method: "GET" | "POST" | "DELETE",
	path: string,
	options: CallOptions = {},
): Promise<unknown> {
	const url = serverUrl(access, path);
	const headers: Record<string, string> = { Accept: "application/json" };
	if (access.adminToken !== "") headers.Authorization = `Bearer ${access.adminToken}`;
	if (options.body !== undefined) headers["Content-Type"] = "application/json";
	let response: Response;
	try {
		response = await fetchFn(url, {
			method,
			headers,
			...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
			signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
		});
	} catch (error) {
		throw failure(`could not reach ${url}: ${describe(error)}`);
	}
	const body = await response.text();
	if (!response.ok) {
		const detail = body.slice(0, MAX_ERROR_BODY_CHARS).trim();
		throw failure(`${url} answered ${response.status}${detail ? `: ${detail}` : ""}`);
	}
	if (response.status === 204) return undefined;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		throw failure(`${url} answered ${response.status} without a JSON body`);
	}
}

/** An error's message with its cause (fetch says only "fetch failed"; the cause says why). */
function describe(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
