/**
 * The `/mcp` endpoint (MCP Streamable HTTP). Every check that needs no session
 * runs here, in the Worker, so a bad request never wakes a Durable Object;
 * the session object then validates the session itself and serves the request.
 */
import type { Context } from "hono";
import { ownerOf, requestPrincipal } from "../auth/caller";
import { readConfig } from "../config";
import { openDatabase } from "../db/database";
import { JsonRpcCode, McpHttpError } from "../errors";
import { Header } from "../mcp/protocol";
import {
	parseMessages,
	readJsonBody,
	validateAccept,
	validateContentType,
	validateProtocolVersion,
} from "../mcp/request-validation";
import { enforceSessionLimit } from "../session/session-limits";
import {
	openSession,
	serveInSession,
	sessionCandidates,
	terminateSession,
} from "../session/session-routing";
import { isAuthOff } from "./auth-bypass";

type McpContext = Context<{ Bindings: Env }>;

/** POST /mcp: one JSON-RPC message (or a batch, in 2025-03-26). */
export async function mcpPost(c: McpContext): Promise<Response> {
	const request = c.req.raw;
	validateAccept(request);
	validateContentType(request);
	const body = await readJsonBody(request);
	const parsed = parseMessages(body, validateProtocolVersion(request));

	const config = readConfig(c.env);
	const principal = await requestPrincipal(c, isAuthOff(request, config));
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
	validateProtocolVersion(c.req.raw);
	const config = readConfig(c.env);
	const { owner } = ownerOf(await requestPrincipal(c, isAuthOff(c.req.raw, config)), config);
	return terminateSession(c.env.MCP_SESSION, sessionCandidates(c.req.raw.headers), owner);
}

/**
 * GET /mcp: this server opens no standalone SSE stream (it sends no
 * server-initiated messages yet, and an idle stream would keep the session
 * object from hibernating), so it answers 405 as the transport allows.
 */
export function mcpMethodNotAllowed(): never {
	throw new McpHttpError(405, JsonRpcCode.ServerError, "Method Not Allowed", {
		Allow: "POST, DELETE, OPTIONS",
	});
}

/** Only the headers the MCP transport reads travel to the session object. */
function forwardedHeaders(headers: Headers): Record<string, string> {
	const forwarded: Record<string, string> = {};
	for (const name of ["accept", "content-type", Header.ProtocolVersion]) {
		const value = headers.get(name);
		if (value !== null) forwarded[name] = value;
	}
	return forwarded;
}
