/**
 * Host and Origin validation against DNS rebinding (2025-06-18 transports §2.0.1,
 * security best practices): a browser request from an origin outside the
 * allow-list is refused with 403 before anything else runs. Requests without
 * an Origin header (agents, CLIs) pass.
 */
import type { ServerConfig } from "../config";
import { errorResponse, JsonRpcCode, McpHttpError } from "../errors";
import { log } from "../log";

/** Host names that mean "this machine": a server reached on one of them is a local development server. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Which browser origins a route accepts.
 * - `cross-origin`: the server's own, `ALLOWED_ORIGINS`, and loopback origins
 *   while the server runs on loopback: browser MCP clients on `/mcp` and `/api`.
 * - `same-origin`: the server's own only: a form that only this server's own page posts.
 */
export type OriginPolicy = "cross-origin" | "same-origin";

/** Why a request was refused: plain HTTP to a host that is not loopback, or its Origin. */
export type Refusal = "plain-http" | "origin";

/** How `rejectUnsafeRequest` judges a request and words its refusal. */
export interface UnsafeRequestOptions {
	/** `cross-origin` unless told. */
	readonly policy?: OriginPolicy;
	/** Builds the 403; a JSON-RPC error response unless told (a page answers HTML). */
	readonly render?: (error: McpHttpError, refusal: Refusal) => Response;
}

/**
 * True when a request from `origin` to `requestUrl` may proceed: no origin, the
 * server's own origin, an origin in `ALLOWED_ORIGINS`, or a loopback origin
 * while the server itself is reached on loopback.
 */
export function isAllowedOrigin(
	origin: string | null,
	requestUrl: URL,
	allowed: ReadonlySet<string>,
): boolean {
	if (origin === null) return true;
	const parsed = parseOrigin(origin);
	if (!parsed) return false;
	if (parsed.origin === requestUrl.origin || allowed.has(parsed.origin)) return true;
	return isLoopback(requestUrl) && isLoopback(parsed);
}

/**
 * True when a request from `origin` to `requestUrl` may proceed under the
 * `same-origin` policy: no origin (not a browser), or exactly the server's own.
 * `null` (an opaque origin: a sandboxed frame, a `data:` page, or a page with
 * `Referrer-Policy: no-referrer` posting a form) is refused.
 */
export function isSameOrigin(origin: string | null, requestUrl: URL): boolean {
	if (origin === null) return true;
	return parseOrigin(origin)?.origin === requestUrl.origin;
}

/** True when `url` points at this machine. */
export function isLoopback(url: URL): boolean {
	return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The 403 for a request this server must not answer, or undefined. Runs
 * first, before authentication and routing:
 * - plain HTTP to a host that is not loopback. On Cloudflare every real
 *   request is HTTPS; on a local server a non-loopback `Host` over HTTP is
 *   what DNS rebinding looks like (the page's Origin then matches that Host,
 *   so the Origin check alone would let it through);
 * - a browser Origin that `options.policy` does not accept.
 */
export function rejectUnsafeRequest(
	request: Request,
	config: ServerConfig,
	options: UnsafeRequestOptions = {},
): Response | undefined {
	const render = options.render ?? ((error: McpHttpError) => errorResponse(error));
	const origin = request.headers.get("origin");
	const url = new URL(request.url);
	if (url.protocol === "http:" && !isLoopback(url)) {
		log.warn("request.host_rejected", { host: url.host, path: url.pathname });
		return render(
			forbidden("Forbidden: plain HTTP is served on loopback hosts only; use HTTPS"),
			"plain-http",
		);
	}
	const allowed =
		options.policy === "same-origin"
			? isSameOrigin(origin, url)
			: isAllowedOrigin(origin, url, config.allowedOrigins);
	if (allowed) return undefined;
	log.warn("request.origin_rejected", { origin: origin ?? "", path: url.pathname });
	return render(forbidden("Forbidden: origin not allowed"), "origin");
}

/** The origin an Origin header names, or undefined for `null` and anything unparsable. */
function parseOrigin(origin: string): URL | undefined {
	try {
		return new URL(origin);
	} catch {
		return undefined;
	}
}

function forbidden(message: string): McpHttpError {
	return new McpHttpError(403, JsonRpcCode.ServerError, message);
}
