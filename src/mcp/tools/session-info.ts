/**
 * Tool `session_info`: the calling session as the server sees it, plus the
 * number of active sessions on the server.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { openDatabase } from "../../db/database";
import { countActiveSessions } from "../../db/session-rows";
import type { ToolContext } from "../tool-context";
import { errorResult, jsonResult } from "../tool-result";

/** Registers `session_info` on `server`. */
export function registerSessionInfo(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"session_info",
		{
			title: "Session info",
			description:
				"Describes this MCP session (id, user, client, connection time, last activity, request count, idle timeout) and counts the server's active sessions.",
			annotations: { readOnlyHint: true, openWorldHint: false },
		},
		async () => {
			const session = context.session();
			if (!session) return errorResult("This session has ended.");
			const activeSessions = await countActiveSessions(openDatabase(context.env.DB));
			return jsonResult({
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
				activeSessions,
			});
		},
	);
}
