/**
 * The `/mcp` endpoint (MCP Streamable HTTP). Every check that needs no session
 * runs here, in the Worker, so a bad request never wakes a Durable Object;
 * the session object then validates the session itself and serves the request.
 */
import type { Context } from "hono";
import { requestPrincipal } from "../auth/request-principal";
import { ownerOf } from "../auth/session-owner";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { JsonRpcCode, McpHttpError } from "../errors";
import { Header } from "../mcp/protocol";
import {
	parseMessages,
	readBodyText,
	validateAccept,
	validateContentType,
	validateProtocolVersion,
} from "../mcp/request-validation";
import { enforceSessionLimit } from "../session/session-limits";
import {
	openSession,
	resumeStreamInSession,
	serveInSession,
	sessionCandidates,
	terminateSession,
} from "../session/session-routing";

type McpContext = Context<{ Bindings: Env }>;

/** POST /mcp: one JSON-RPC message (or a batch, in 2025-03-26). */
export async function mcpPost(c: McpContext): Promise<Response> {
	const request = c.req.raw;
	const refused = validateAccept(request) ?? validateContentType(request);
	if (refused) throw refused;
	const text = await readBodyText(request);
	if (text instanceof McpHttpError) throw text;
	const headerVersion = validateProtocolVersion(request);
	if (headerVersion instanceof McpHttpError) throw headerVersion;
	const parsed = parseMessages(text, headerVersion);
	if (parsed instanceof McpHttpError) throw parsed;

	const config = readConfig(c.env);
	const principal = await requestPrincipal(c);
	const call = {
		url: request.url,
		headers: forwardedHeaders(request.headers),
		body: parsed.body,
		...ownerOf(principal, config),
	};
	const candidates = sessionCandidates(request.headers);
	if (!parsed.isInitialize) return serveInSession(c.env.MCP_SESSION, call, candidates);
	return openSession(c.env.MCP_SESSION, call, candidates, async () => {
		if (principal) {
			const db = openDatabase(c.env.DB);
			await enforceSessionLimit(c.env.MCP_SESSION, db, config, principal.userId);
		}
	});
}

/** DELETE /mcp: the client ends its session. */
export async function mcpDelete(c: McpContext): Promise<Response> {
	const version = validateProtocolVersion(c.req.raw);
	if (version instanceof McpHttpError) throw version;
	const { owner } = ownerOf(await requestPrincipal(c), readConfig(c.env));
	return terminateSession(c.env.MCP_SESSION, sessionCandidates(c.req.raw.headers), owner);
}

/**
 * GET /mcp with `Last-Event-ID`: resumes a cut SSE stream of a session
 * (2025-11-25 transports, resumability). Any other GET gets 405.
 */
export async function mcpGet(c: McpContext): Promise<Response> {
	if (!c.req.header(Header.LastEventId)) mcpMethodNotAllowed();
	const version = validateProtocolVersion(c.req.raw);
	if (version instanceof McpHttpError) throw version;
	const call = { url: c.req.url, headers: forwardedHeaders(c.req.raw.headers) };
	const { owner, timeoutSeconds } = ownerOf(await requestPrincipal(c), readConfig(c.env));
	const candidates = sessionCandidates(c.req.raw.headers);
	return resumeStreamInSession(c.env.MCP_SESSION, { ...call, owner, timeoutSeconds }, candidates);
}

/**
 * GET /mcp without `Last-Event-ID`: this server opens no standalone SSE
 * stream (it sends no server-initiated messages outside a request, and an
 * idle stream would keep the session object from hibernating), so it
 * answers 405 as the transport allows.
 */
export function mcpMethodNotAllowed(): never {
	throw new McpHttpError(405, JsonRpcCode.ServerError, "Method Not Allowed", {
		Allow: "POST, DELETE, OPTIONS",
	});
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
