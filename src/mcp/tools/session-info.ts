/**
 * Tool `session_info`: who the server takes the caller for, plus the number
 * of active sessions on the server. In a legacy (2025) session that is the
 * session; a 2026-07-28 caller has no protocol session, and the tool says so
 * and describes the request instead: its user, client and protocol version.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { openDatabase } from "../../db/database";
import { countActiveSessions } from "../../db/session-rows";
import { clientTypeOf } from "../../session/client-type";
import { inSession, type ToolContext } from "../tool-context";
import { errorResult, jsonResult } from "../tool-result";

/** What a modern caller is told in place of a session. */
const NO_SESSION =
	"MCP 2026-07-28 has no protocol session: every request carries its own protocol version and client info. This request was still authenticated, tracked and attributed to its user and client.";

/** Registers `session_info` on `server`. */
export function registerSessionInfo(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"session_info",
		{
			title: "Session info",
			description:
				"Describes the caller. In an MCP session (protocol 2025-11-25 and earlier): the session id, user, client, connection time, last activity, request count and idle timeout. For a 2026-07-28 client, which has no session: the user, client and protocol version of this request. Also counts the server's active sessions.",
			annotations: { readOnlyHint: true, openWorldHint: false },
		},
		async () => {
			const activeSessions = () => countActiveSessions(openDatabase(context.env.DB));
			if (!inSession(context)) {
				const { caller } = context;
				return jsonResult({
					era: "modern",
					session: null,
					note: NO_SESSION,
					user: caller.userEmail,
					clientType: clientTypeOf(caller.clientName ?? undefined),
					clientName: caller.clientName,
					clientVersion: caller.clientVersion,
					protocolVersion: caller.protocolVersion,
					activeSessions: await activeSessions(),
				});
			}
			const session = context.session();
			if (!session) return errorResult("This session has ended.");
			return jsonResult({
				era: "legacy",
				sessionId: session.id,
				user: session.userEmail,
				clientType: session.clientType,
				clientName: session.clientName,
				clientVersion: session.clientVersion,
				protocolVersion: session.protocolVersion,
				connectedAt: new Date(session.connectedAt).toISOString(),
				lastActivity: new Date(session.lastActivity).toISOString(),
				expiresAt: new Date(session.expiresAt).toISOString(),
				requestCount: session.requestCount,
				handshakeCount: session.handshakeCount,
				timeoutSeconds: session.timeoutSeconds,
				activeSessions: await activeSessions(),
			});
		},
	);
}
