/**
 * Which session object serves a request, in the fixed priority Archon
 * promised: (1) a live session named by `X-Archon-Session-Id`; (2) the session
 * named by `Mcp-Session-Id`; (3) a new session, on `initialize` only.
 * Malformed ids are dropped here, before any Durable Object is addressed.
 */
import { JsonRpcCode, McpHttpError } from "../errors";
import { log } from "../log";
import { Header } from "../mcp/protocol";
import { isSessionId, mintSessionId, shortId } from "./session-id";
import type { InitializeCall, McpSessionObject, SessionCall, StreamCall } from "./session-object";
import type { SessionOwner } from "./session-record";

/** The namespace binding of session objects. */
export type SessionNamespace = DurableObjectNamespace<McpSessionObject>;

/** A request's session ids in priority order, well-formed ones only. */
export interface SessionCandidates {
	readonly ids: readonly string[];
	/** True when the client sent any session header, even a malformed one. */
	readonly presented: boolean;
}

/** Reads and validates the session headers of a request. */
export function sessionCandidates(headers: Headers): SessionCandidates {
	const archon = headers.get(Header.ArchonSessionId);
	const mcp = headers.get(Header.McpSessionId);
	if (archon !== null && !isSessionId(archon)) {
		log.warn("session.client_id_rejected", { reason: "malformed" });
	}
	const ids = [archon, mcp].filter(isSessionId);
	return { ids: [...new Set(ids)], presented: archon !== null || mcp !== null };
}

/** The stub of the session object named `sessionId`. */
export function sessionStub(namespace: SessionNamespace | undefined, sessionId: string) {
	if (!namespace) {
		throw new Error(
			'The Durable Object binding "MCP_SESSION" is missing: add [[durable_objects.bindings]] name = "MCP_SESSION", class_name = "McpSessionObject" to wrangler.toml.',
		);
	}
	return namespace.get(namespace.idFromName(sessionId));
}

/**
 * Handles `initialize`: resumes the first candidate session that is live (or
 * dormant, and revived), otherwise creates a session under a freshly minted id.
 */
export async function openSession(
	namespace: SessionNamespace | undefined,
	call: Omit<InitializeCall, "sessionId">,
	candidates: SessionCandidates,
): Promise<Response> {
	for (const sessionId of candidates.ids) {
		const response = await sessionStub(namespace, sessionId).resume({ ...call, sessionId });
		if (response) {
			log.info("session.client_id_accepted", { session: shortId(sessionId) });
			return response;
		}
		log.warn("session.client_id_rejected", {
			session: shortId(sessionId),
			reason: "unknown or ended",
		});
	}
	// A collision of 192-bit random ids is not expected; the loop only guards against it.
	for (let attempt = 0; attempt < 3; attempt++) {
		const sessionId = mintSessionId();
		const response = await sessionStub(namespace, sessionId).create({ ...call, sessionId });
		if (response) return response;
	}
	throw new Error("Could not mint an unused session id");
}

/** Serves a non-initialize message in the first live candidate session. */
export function serveInSession(
	namespace: SessionNamespace | undefined,
	call: Omit<SessionCall, "sessionId">,
	candidates: SessionCandidates,
): Promise<Response> {
	return inFirstLiveSession(namespace, candidates, async (stub, sessionId) => {
		const response = await stub.serve({ ...call, sessionId });
		if (response) log.debug("session.reused", { session: shortId(sessionId) });
		return response;
	});
}

/** Resumes a cut SSE stream (GET with `Last-Event-ID`) in the first live candidate session. */
export function resumeStreamInSession(
	namespace: SessionNamespace | undefined,
	call: Omit<StreamCall, "sessionId">,
	candidates: SessionCandidates,
): Promise<Response> {
	return inFirstLiveSession(namespace, candidates, (stub, sessionId) =>
		stub.resumeStream({ ...call, sessionId }),
	);
}

/** Ends the first live candidate session (HTTP DELETE). */
export function terminateSession(
	namespace: SessionNamespace | undefined,
	candidates: SessionCandidates,
	owner: SessionOwner | null,
): Promise<Response> {
	return inFirstLiveSession(namespace, candidates, (stub, sessionId) =>
		stub.terminate(sessionId, owner),
	);
}

/** The answer of the first candidate session that is live for `ask` (which answers null otherwise). */
async function inFirstLiveSession(
	namespace: SessionNamespace | undefined,
	candidates: SessionCandidates,
	ask: (stub: ReturnType<typeof sessionStub>, sessionId: string) => Promise<Response | null>,
): Promise<Response> {
	for (const sessionId of candidates.ids) {
		const response = await ask(sessionStub(namespace, sessionId), sessionId);
		if (response) return response;
	}
	throw missingOrUnknown(candidates);
}

/**
 * 400 when no session header was sent; 404 when the ids name no session this
 * caller may use, which tells the client to initialize again (2025-06-18
 * transports#session-management). Both say so: some clients drop the id after
 * a 404 and send their next request without one.
 */
function missingOrUnknown(candidates: SessionCandidates): McpHttpError {
	return candidates.presented
		? new McpHttpError(
				404,
				JsonRpcCode.SessionNotFound,
				"Session not found: it has ended or never existed. Send initialize (without Mcp-Session-Id) to start a new session.",
			)
		: new McpHttpError(
				400,
				JsonRpcCode.ServerError,
				"Bad Request: Mcp-Session-Id header is required. Send initialize first to start a session, then send the Mcp-Session-Id it returns with every request.",
			);
}
