/**
 * When a request may go without credentials: only with `AUTH_MODE=off`, and
 * only when it comes to a loopback host from this machine, so a deployed
 * Worker can never be opened up by a variable (MCP security best practices:
 * verify every request). The Worker entry asks before the OAuth provider;
 * the `/mcp` route asks again before it accepts a request without props.
 */
import type { ServerConfig } from "../config";
import { isLoopback } from "./origin";

/** Peer addresses that are this machine, as Cloudflare (and wrangler dev) report them. */
const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1"]);

/** True when `request` is served without authentication. */
export function isAuthOff(request: Request, config: ServerConfig): boolean {
	return config.authMode === "off" && isLoopbackRequest(request);
}

/** True when `request` is for a loopback host and, where the peer is known, comes from this machine. */
export function isLoopbackRequest(request: Request): boolean {
	if (!isLoopback(new URL(request.url))) return false;
	// Behind Cloudflare (or wrangler dev) the peer address is known: it must be this machine too.
	const peer = request.headers.get("cf-connecting-ip");
	return peer === null || LOOPBACK_ADDRESSES.has(peer);
}
