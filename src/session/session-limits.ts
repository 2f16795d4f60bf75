/**
 * The per-user session limit (`MAX_SESSIONS_PER_USER`), applied before a new
 * session is created: evict the user's least recently active sessions, or refuse.
 */
import type { ServerConfig } from "../config";
import type { Database } from "../db/database";
import { activeSessionsOfUser } from "../db/session-rows";
import { JsonRpcCode, McpHttpError } from "../errors";
import { log } from "../log";
import { McpAttribute } from "../telemetry/attributes";
import { shortId } from "./session-id";
import { type SessionNamespace, sessionStub } from "./session-routing";

/** Makes room for one more session of `userId`, or throws 403 (-32002) under the `refuse` policy. */
export async function enforceSessionLimit(
	namespace: SessionNamespace | undefined,
	db: Database,
	config: ServerConfig,
	userId: string,
): Promise<void> {
	const max = config.maxSessionsPerUser;
	// One more than the limit is enough to know whether it is reached; extra rows are only read to evict.
	const active = await activeSessionsOfUser(db, userId, max + 16);
	const excess = active.length - max + 1;
	if (excess <= 0) return;
	if (config.sessionLimitPolicy === "refuse") {
		throw new McpHttpError(
			403,
			JsonRpcCode.LimitExceeded,
			`Session limit reached: at most ${max} live sessions per user. End one (DELETE /mcp) or wait for one to expire.`,
		);
	}
	for (const { sessionId } of active.slice(0, excess)) {
		await sessionStub(namespace, sessionId).end(sessionId, "evicted");
		log.info("session.evicted", {
			[McpAttribute.SessionId]: shortId(sessionId),
			user: userId,
			limit: max,
		});
	}
}
