/**
 * Request builders for the modern lane (MCP 2026-07-28): a request carries
 * its protocol version, client info and capabilities in `_meta`, and mirrors
 * method and name into the standard headers.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/worker";
import { MCP_URL, POST_HEADERS, rpc } from "./mcp";

/** The modern revision. */
export const MODERN_VERSION = "2026-07-28";

/** The `_meta` envelope of a request from `clientName`. */
export function envelope(clientName = "claude-code", clientVersion = "2.1.332") {
	return {
		"io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
		"io.modelcontextprotocol/clientInfo": { name: clientName, version: clientVersion },
		"io.modelcontextprotocol/clientCapabilities": {},
	};
}

/** Options of a modern request. */
export interface ModernOptions {
	/** The `_meta` to send; `envelope()` by default, null for none at all. */
	meta?: Record<string, unknown> | null;
	/** Headers to add or override (a value of null removes a standard header). */
	headers?: Record<string, string | null>;
	/** The endpoint; `MCP_URL` (loopback, auth off) by default. */
	url?: string;
	/** Variables to set for this request only (see `fetchAndSettle`). */
	vars?: Record<string, string>;
}

/** The body and headers of a modern request for `method`. */
export function modernRequest(
	method: string,
	params: Record<string, unknown> = {},
	options: ModernOptions = {},
) {
	const meta = options.meta === undefined ? envelope() : options.meta;
	const body = rpc(method, meta === null ? params : { ...params, _meta: meta });
	const headers: Record<string, string> = {
		...POST_HEADERS,
		"mcp-protocol-version": MODERN_VERSION,
		"mcp-method": method,
	};
	const name = params.name ?? params.uri;
	if (typeof name === "string") headers["mcp-name"] = name;
	for (const [header, value] of Object.entries(options.headers ?? {})) {
		if (value === null) delete headers[header];
		else headers[header] = value;
	}
	return { body, headers };
}

/** POSTs a modern request to the Worker under test. */
export function postModern(
	method: string,
	params: Record<string, unknown> = {},
	options: ModernOptions = {},
): Promise<Response> {
	const { body, headers } = modernRequest(method, params, options);
	return fetchAndSettle(
		new Request(options.url ?? MCP_URL, { method: "POST", headers, body: JSON.stringify(body) }),
		options.vars,
	);
}

/**
 * Sends `request` to the Worker with its own execution context, reads the
 * whole response, then waits for the work it left behind (`ctx.waitUntil`:
 * the request log), so its rows are in D1 when this resolves. `vars` override
 * configuration variables for this request only (a new `env` object is a new
 * configuration).
 */
export async function fetchAndSettle(
	request: Request,
	vars: Record<string, string> = {},
): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		request as Request<unknown, IncomingRequestCfProperties>,
		Object.keys(vars).length === 0 ? env : { ...env, ...vars },
		ctx,
	);
	const body = await response.arrayBuffer();
	await waitOnExecutionContext(ctx);
	return new Response(body.byteLength === 0 ? null : body, response);
}
