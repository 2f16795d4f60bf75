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
	let parsed: URL;
	try {
		parsed = new URL(origin);
	} catch {
		return false;
	}
	if (parsed.origin === requestUrl.origin || allowed.has(parsed.origin)) return true;
	return isLoopback(requestUrl) && isLoopback(parsed);
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
 * - a browser Origin outside the allow-list.
 */
export function rejectUnsafeRequest(request: Request, config: ServerConfig): Response | undefined {
	const origin = request.headers.get("origin");
	const url = new URL(request.url);
	if (url.protocol === "http:" && !isLoopback(url)) {
		log.warn("request.host_rejected", { host: url.host, path: url.pathname });
		return forbidden("Forbidden: plain HTTP is served on loopback hosts only; use HTTPS");
	}
	if (isAllowedOrigin(origin, url, config.allowedOrigins)) return undefined;
	log.warn("request.origin_rejected", { origin: origin ?? "", path: url.pathname });
	return forbidden("Forbidden: origin not allowed");
}

function forbidden(message: string): Response {
	return errorResponse(new McpHttpError(403, JsonRpcCode.ServerError, message));
}
