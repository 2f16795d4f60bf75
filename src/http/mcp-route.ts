/**
 * The `/mcp` endpoint and its front door: it says which protocol era a request
 * belongs to and serves it in that lane.
 *
 * - **Legacy** (2025-03-26 to 2025-11-25): `initialize` and everything without
 *   a per-request `_meta` envelope. Served in a session: every check that
 *   needs no session runs here, in the Worker, so a bad request never wakes a
 *   Durable Object; the session object (`src/session/`) validates the session
 *   itself and serves the request.
 * - **Modern** (2026-07-28): requests that claim the envelope. Served per
 *   request by `src/modern/`, with no Durable Object on the response path.
 *
 * A POST is classified by the SDK's own predicate (`isLegacyRequest`), so the
 * branch never disagrees with the SDK's handler; a GET or DELETE has no body,
 * and is modern when its `MCP-Protocol-Version` header names 2026-07-28.
 * Host/Origin (the Worker entry), authentication, Content-Type and the body
 * limit apply to both lanes alike.
 */
import { isLegacyRequest, type JSONRPCMessage } from "@modelcontextprotocol/server";
import type { Context } from "hono";
import { claimedUserId, ownerOf, type Principal, requestPrincipal } from "../auth/caller";
import { readConfig } from "../config";
import { JsonRpcCode, McpHttpError } from "../errors";
import { enforceMcpRateLimit } from "../limits/rate-limits";
import { validateInitialize } from "../mcp/initialize-params";
import { Header, isModernVersionHeader } from "../mcp/protocol";
import { requestStateCodec } from "../mcp/request-state";
import {
	type JsonBody,
	parseMessages,
	readJsonBody,
	validateAccept,
	validateContentType,
	validateProtocolVersion,
} from "../mcp/request-validation";
import { serveModern } from "../modern/modern-lane";
import {
	openSession,
	resumeStreamInSession,
	serveInSession,
	sessionCandidates,
	terminateSession,
} from "../session/session-routing";
import { isAuthOff } from "./auth-bypass";
import { isTracked } from "./bench-tracking";

type McpContext = Context<{ Bindings: Env }>;

/** POST /mcp: one JSON-RPC message (or a batch, in 2025-03-26), in its era's lane. */
export async function mcpPost(c: McpContext): Promise<Response> {
	// A deployment without its requestState key answers 503 here, before any lane builds a server.
	requestStateCodec(c.env);
	const request = c.req.raw;
	validateContentType(request);
	const body = await readJsonBody(request);
	// A body that is not JSON claims no era; the SDK's predicate calls it legacy too, and that lane answers -32700.
	if (!body.isJson || (await isLegacyRequest(request, body.value))) return legacyPost(c, body);
	return modern(c, body.value);
}

/** DELETE /mcp: a legacy client ends its session; a modern one has none (405). */
export async function mcpDelete(c: McpContext): Promise<Response> {
	if (isModernVersionHeader(c.req.raw.headers)) return modern(c);
	validateProtocolVersion(c.req.raw);
	const { owner } = ownerOf(await caller(c), readConfig(c.env));
	return terminateSession(c.env.MCP_SESSION, sessionCandidates(c.req.raw.headers), owner);
}

/**
 * GET /mcp. With `Last-Event-ID`, a legacy client resumes a cut SSE stream of
 * its session (2025-11-25 transports, resumability). Otherwise there is no
 * standalone SSE stream in either era: a legacy session gets no
 * server-initiated messages outside a request (and an idle stream would keep
 * the session object from hibernating); 2026-07-28 removed it (405 from the
 * SDK, which also ignores `Last-Event-ID`).
 */
export async function mcpGet(c: McpContext): Promise<Response> {
	const request = c.req.raw;
	if (isModernVersionHeader(request.headers)) return modern(c);
	if (!request.headers.has(Header.LastEventId)) return mcpMethodNotAllowed();
	validateProtocolVersion(request);
	const owner = ownerOf(await caller(c), readConfig(c.env));
	const call = { url: request.url, headers: forwardedHeaders(request.headers), ...owner };
	return resumeStreamInSession(c.env.MCP_SESSION, call, sessionCandidates(request.headers));
}

/** Any other method on /mcp: 405, as the transport allows. */
export function mcpMethodNotAllowed(): never {
	throw new McpHttpError(405, JsonRpcCode.ServerError, "Method Not Allowed", {
		Allow: "POST, DELETE, OPTIONS",
	});
}

/**
 * The legacy lane: validated here (an `initialize` in full, before any
 * session is touched), then served in the session the ids name, or a new one.
 */
async function legacyPost(c: McpContext, body: JsonBody): Promise<Response> {
	const request = c.req.raw;
	validateAccept(request);
	const parsed = parseMessages(body, validateProtocolVersion(request));
	const handshake = parsed.isInitialize ? validateInitialize(parsed.body as JSONRPCMessage) : null;

	const config = readConfig(c.env);
	const principal = await caller(c);
	const call = {
		url: request.url,
		headers: forwardedHeaders(request.headers),
		body: parsed.body,
		...ownerOf(principal, config),
		tracked: isTracked(request, config),
	};
	const candidates = sessionCandidates(request.headers);
	if (!handshake) return serveInSession(c.env.MCP_SESSION, call, candidates);
	return openSession(c.env.MCP_SESSION, { ...call, handshake }, candidates);
}

/** The modern lane, for the verified caller. */
async function modern(c: McpContext, body?: unknown): Promise<Response> {
	const request = c.req.raw;
	const principal = body === undefined ? null : await caller(c);
	return serveModern({
		request,
		body,
		env: c.env,
		principal,
		tracked: isTracked(request, readConfig(c.env)),
		waitUntil: (work) => c.executionCtx.waitUntil(work),
	});
}

/**
 * The verified caller of an `/mcp` request (null on loopback with auth off,
 * which is also exempt from the rate limit), counted against
 * `MCP_RATE_LIMIT_PER_MINUTE` (429 past it), in either era. The count is
 * taken while D1 confirms the caller, so the two round trips (D1, the user's
 * limiter object) overlap instead of adding up; a failed authentication
 * still answers 401 before any 429.
 */
async function caller(c: McpContext): Promise<Principal | null> {
	const config = readConfig(c.env);
	const userId = claimedUserId(c);
	const [verified, limited] = await Promise.allSettled([
		requestPrincipal(c, isAuthOff(c.req.raw, config)),
		userId === null ? undefined : enforceMcpRateLimit(c.env.RATE_LIMITER, config, userId),
	]);
	if (verified.status === "rejected") throw verified.reason;
	if (limited.status === "rejected") throw limited.reason;
	return verified.value;
}

/** Only the headers the MCP transport reads travel to the session object. */
function forwardedHeaders(headers: Headers): Record<string, string> {
	const forwarded: Record<string, string> = {};
	for (const name of ["accept", "content-type", Header.ProtocolVersion, Header.LastEventId]) {
		const value = headers.get(name);
		if (value !== null) forwarded[name] = value;
	}
	return forwarded;
}
