/**
 * Ending a user's live sessions when their credentials are revoked or they are
 * disabled. The sessions are found through the D1 mirror's (user_id, status)
 * index, never by scanning every session.
 */
import type { Database } from "../db/database";
import { activeSessionsOfUser } from "../db/session-rows";
import { log } from "../log";
import type { ServerEndReason } from "../session/session-object";
import { type SessionNamespace, sessionStub } from "../session/session-routing";

/** Upper bound of sessions ended in one call; a user cannot hold more than `MAX_SESSIONS_PER_USER` (at most 10 000). */
const MAX_ENDED_PER_CALL = 10_000;

/** Ends every live session of `userId` and returns how many ended. */
export async function endSessionsOfUser(
	namespace: SessionNamespace | undefined,
	db: Database,
	userId: string,
	reason: ServerEndReason,
): Promise<number> {
	const active = await activeSessionsOfUser(db, userId, MAX_ENDED_PER_CALL);
	const results = await Promise.allSettled(
		active.map(({ sessionId }) => sessionStub(namespace, sessionId).end(sessionId, reason)),
	);
	const ended = results.filter((result) => result.status === "fulfilled" && result.value).length;
	const failed = results.filter((result) => result.status === "rejected").length;
	log.info("auth.sessions_ended", { user: userId, reason, ended, failed });
	if (failed > 0) throw new Error(`${failed} of ${active.length} sessions could not be ended`);
	return ended;
}
