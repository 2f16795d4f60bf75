/**
 * Revival of sessions that ended by idle timeout (README, "Revival"). An
 * idle-expired session is dormant, not terminated: its D1 row keeps its
 * handshake (protocol version, client info and capabilities, log level), its
 * history and its owner. A request from the same user (or an anonymous one
 * where `AUTH_MODE=off` is honoured) within `SESSION_REVIVAL_SECONDS` of the
 * expiry is served as if the session had never expired: same id, handshake
 * restored from that row, the row `active` again with its revival counted.
 *
 * The session id is never a credential: the request was authenticated before
 * it got here, and its user must be the session's. Sessions ended by their
 * client, by revocation, by the per-user limit or by an admin are never revived.
 *
 * Both writes a revival needs must succeed before it is served: the per-user
 * admission (the limit) and the D1 row. If D1 cannot be reached the request
 * gets 503 and nothing changed.
 */
import { readConfig } from "../config";
import { type Database, openDatabase } from "../db/database";
import { findEndedSession, reviveSessionRow, terminateDormantSessionRow } from "../db/session-rows";
import { describeError, serviceUnavailable } from "../errors";
import { log } from "../log";
import { shortId } from "./session-id";
import {
	type EndedSession,
	isRevivable,
	reviveSession,
	type SessionOwner,
	type SessionRecord,
} from "./session-record";
import { sessionLimitError, userSessionsStub } from "./user-sessions-object";

/** An idle-expired session within the revival window: when it ended is known. */
type DormantSession = EndedSession & { readonly endedAt: number };

/** Who asks for a dormant session, and the idle timeout their credential gives it. */
export interface RevivalRequest {
	readonly sessionId: string;
	readonly owner: SessionOwner | null;
	/** Idle timeout of the revived session, in seconds, already clamped. */
	readonly timeoutSeconds: number;
}

/**
 * The live record of `request.sessionId` revived for `request.owner`, or
 * undefined when it may not be revived (404 to the client). Throws the 403 of
 * the per-user limit, or 503 when D1 cannot be reached.
 */
export async function reviveDormantSession(
	env: Env,
	request: RevivalRequest,
	now = Date.now(),
): Promise<SessionRecord | undefined> {
	const db = openDatabase(env.DB);
	const ended = await findDormant(env, db, request, now);
	if (!ended) return undefined;
	const { owner, sessionId } = request;
	const users = owner ? userSessionsStub(env.USER_SESSIONS, owner.userId) : undefined;
	if (owner && users) {
		const admission = await users.admitRevival(owner.userId, sessionId, ended.endedAt);
		if (admission === "revoked") return undefined;
		if (!admission.admitted) throw sessionLimitError(admission.limit);
	}
	const record = reviveSession(ended, now, request.timeoutSeconds);
	let claimed = false;
	try {
		claimed = await reviveSessionRow(db, record, ended.endedAt);
	} catch (error) {
		log.error("session.revival_failed", {
			session: shortId(sessionId),
			error: describeError(error),
		});
		throw serviceUnavailable("the session could not be revived");
	} finally {
		if (!claimed && owner && users) {
			await users.release(owner.userId, sessionId).catch(() => undefined);
		}
	}
	if (!claimed) return undefined;
	log.info("session.revived", {
		session: shortId(sessionId),
		clientType: record.clientType,
		revivals: record.revivalCount ?? 1,
		dormantSeconds: Math.round((now - ended.endedAt) / 1000),
	});
	return record;
}

/**
 * Ends a dormant session for good at its client's request (DELETE), as the
 * client would have ended it live: true when it did, false when there is no
 * such session for `request.owner` (404).
 */
export async function terminateDormantSession(
	env: Env,
	request: Omit<RevivalRequest, "timeoutSeconds">,
	now = Date.now(),
): Promise<boolean> {
	const db = openDatabase(env.DB);
	const ended = await findDormant(env, db, { ...request, timeoutSeconds: 0 }, now);
	if (!ended) return false;
	const terminated = await terminateDormantSessionRow(db, request.sessionId, ended.endedAt).catch(
		(error: unknown) => {
			log.error("session.termination_failed", {
				session: shortId(request.sessionId),
				error: describeError(error),
			});
			throw serviceUnavailable("the session could not be ended");
		},
	);
	if (terminated) {
		log.info("session.terminated", {
			session: shortId(request.sessionId),
			reason: "client_terminated",
			dormant: true,
		});
	}
	return terminated;
}

/** The ended session `request` names if it may be revived for its owner now; logs another user's attempt. */
async function findDormant(
	env: Env,
	db: Database,
	request: RevivalRequest,
	now: number,
): Promise<DormantSession | undefined> {
	const windowSeconds = readConfig(env).sessionRevivalSeconds;
	if (windowSeconds === 0) return undefined;
	let ended: EndedSession | undefined;
	try {
		ended = await findEndedSession(db, request.sessionId);
	} catch (error) {
		log.error("session.lookup_failed", {
			session: shortId(request.sessionId),
			error: describeError(error),
		});
		throw serviceUnavailable("the session could not be looked up");
	}
	if (!ended) return undefined;
	const requestUser = request.owner?.userId ?? null;
	if (ended.userId !== requestUser) {
		log.warn("session.hijack_suspected", {
			session: shortId(request.sessionId),
			requestUser: requestUser ?? "anonymous",
			sessionUser: ended.userId,
			dormant: true,
		});
		return undefined;
	}
	if (ended.endedAt === null || !isRevivable(ended, request.owner, now, windowSeconds)) {
		return undefined;
	}
	return { ...ended, endedAt: ended.endedAt };
}
