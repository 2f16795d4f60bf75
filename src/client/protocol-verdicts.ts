/**
 * Which era each MCP endpoint spoke, remembered for the life of the process
 * (of the isolate, in a Worker), so that only the first `protocol: "auto"`
 * connection to an endpoint pays the `server/discover` probe. The SDK adopts
 * a remembered verdict as `connect({ prior })`: a modern one with zero round
 * trips, a legacy one by going straight to `initialize`.
 */
import type { DiscoverResult } from "@modelcontextprotocol/client";

/** What a probe found: the server's advertisement, or that it only speaks the 2025 era. */
export type ProtocolVerdict =
	| { readonly kind: "modern"; readonly discover: DiscoverResult }
	| { readonly kind: "legacy" };

/** Most endpoints remembered; the oldest is forgotten first. A process talks to few servers. */
const MAX_VERDICTS = 1_000;

const verdicts = new Map<string, ProtocolVerdict>();

/**
 * The cache key: origin and path. Two MCP endpoints on one origin (a gateway
 * such as `https://gw.example/github/mcp` and `…/slack/mcp`) are different
 * servers, so an origin alone would hand one server's advertisement to another.
 */
function keyOf(url: URL): string {
	return `${url.origin}${url.pathname}`;
}

/** The verdict remembered for the endpoint, if any. */
export function recallVerdict(url: URL): ProtocolVerdict | undefined {
	return verdicts.get(keyOf(url));
}

/** Remembers what a probe (or a connection built on a verdict) found. */
export function rememberVerdict(url: URL, verdict: ProtocolVerdict): void {
	const key = keyOf(url);
	verdicts.delete(key);
	verdicts.set(key, verdict);
	if (verdicts.size > MAX_VERDICTS) {
		const oldest = verdicts.keys().next().value;
		if (oldest !== undefined) verdicts.delete(oldest);
	}
}

/** Forgets the endpoint's verdict, so the next connection probes again (a stale verdict, say). */
export function forgetVerdict(url: URL): void {
	verdicts.delete(keyOf(url));
}

/** Forgets every verdict. For tests, which need each case to start from no knowledge. */
export function forgetAllVerdicts(): void {
	verdicts.clear();
}
