/**
 * Ending a user's live sessions when their credentials are revoked or they are
 * disabled: the user's own object (`session/user-sessions-object.ts`) holds
 * their live sessions, so nothing is scanned, and it remembers when, so a
 * session that was dormant at that moment is never revived either.
 */
import { log } from "../log";
import type { ServerEndReason } from "../session/session-object";
import { userSessionsStub } from "../session/user-sessions-object";

/** Ends every live session of `userId` and returns how many ended. */
export async function endSessionsOfUser(
	env: Env,
	userId: string,
	reason: ServerEndReason,
): Promise<number> {
	const ended = await userSessionsStub(env.USER_SESSIONS, userId).endAll(userId, reason);
	log.info("auth.sessions_ended", { user: userId, reason, ended });
	return ended;
}
