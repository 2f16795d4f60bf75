/**
 * The server's health report as the client reads it from `GET /health`, the
 * route that sits next to the MCP endpoint. It needs no MCP session.
 */
import { MCPClientError } from "./errors.js";
import type { FetchFunction } from "./options.js";

/** What `GET /health` reports. Fields beyond `status` are informative and may grow. */
export interface ServerHealth {
	/** `healthy` when every dependency of the server answers; `degraded` otherwise. */
	readonly status: "healthy" | "degraded";
	readonly version?: string;
	readonly uptimeSeconds?: number;
	readonly d1?: { readonly reachable: boolean; readonly latencyMs: number };
	/** ISO 8601 time of the check. */
	readonly timestamp?: string;
	readonly [field: string]: unknown;
}

/**
 * The health URL next to an MCP endpoint: `https://h/mcp` → `https://h/health`,
 * `https://h/base/mcp` → `https://h/base/health`.
 */
export function healthUrl(mcpUrl: URL): URL {
	const base = new URL(mcpUrl);
	base.pathname = base.pathname.replace(/\/+$/, "");
	base.search = "";
	base.hash = "";
	return new URL("health", base);
}

/**
 * Reads the health report. A degraded server answers 503 with a report, which
 * is returned like a healthy one; any other failure throws `MCPClientError`.
 */
export async function fetchHealth(
	fetchFn: FetchFunction,
	url: URL,
	headers: Readonly<Record<string, string>>,
	signal: AbortSignal,
): Promise<ServerHealth> {
	let response: Response;
	try {
		response = await fetchFn(url.href, {
			method: "GET",
			headers: { ...headers, accept: "application/json" },
			signal,
		});
	} catch (error) {
		if (signal.aborted) throw error;
		throw new MCPClientError("NETWORK", `No response from ${url.href}`, { cause: error });
	}
	const body = await response.json().catch(() => undefined);
	if (isHealth(body) && (response.ok || response.status === 503)) return body;
	throw new MCPClientError(
		response.ok ? "PROTOCOL" : "HTTP",
		`GET ${url.pathname} answered ${response.status} without a health report`,
		{ status: response.status },
	);
}

function isHealth(body: unknown): body is ServerHealth {
	if (typeof body !== "object" || body === null) return false;
	const status = (body as { status?: unknown }).status;
	return status === "healthy" || status === "degraded";
}
