/**
 * The state of one MCP session and the pure rules of its lifecycle:
 * created at `initialize`, touched by every request, ended by idle expiry
 * or by the client, and revived from its D1 row when it ended by idle expiry
 * (README, "Revival"). The Durable Object stores it; nothing here does I/O.
 */
import type { LoggingLevel } from "@modelcontextprotocol/server";
import type { UserRole } from "../db/identity-schema";
import type { DisconnectReason, RequestStatus, SessionStatus } from "../db/schema";
import { clientTypeOf } from "./client-type";

/** Most resources one session may subscribe to (each is a URI kept in the record). */
export const MAX_SUBSCRIPTIONS = 100;

/** Everything the server knows about a session. Lives in the session's Durable Object storage. */
export interface SessionRecord {
	readonly id: string;
	readonly status: SessionStatus;
	readonly clientType: string;
	readonly clientName: string | null;
	readonly clientVersion: string | null;
	/** The capabilities object the client declared at its latest `initialize`. */
	readonly clientCapabilities: unknown;
	readonly protocolVersion: string;
	/** Epoch ms of the first `initialize`. */
	readonly connectedAt: number;
	/** Epoch ms of the latest request. */
	readonly lastActivity: number;
	/** Epoch ms at which the session expires unless another request arrives. */
	readonly expiresAt: number;
	/** Idle timeout of this session, in seconds. */
	readonly timeoutSeconds: number;
	/** JSON-RPC requests served, over the whole session. */
	readonly requestCount: number;
	/** `initialize` handshakes, 1 plus one per resumption. */
	readonly handshakeCount: number;
	/** Epoch ms at which the session ended; null while active. */
	readonly endedAt: number | null;
	readonly disconnectReason: DisconnectReason | null;
	/** The user the session belongs to; null when it was opened without credentials (auth off on loopback). */
	readonly userId: string | null;
	readonly userEmail: string | null;
	/** The level the client set with `logging/setLevel` in this handshake; absent means no filter. */
	readonly logLevel?: LoggingLevel;
	/** URIs the client subscribed to with `resources/subscribe` in this handshake, oldest first. */
	readonly subscriptions?: readonly string[];
	/**
	 * True from a handshake until the session serves a request after it: such a
	 * session expires after the unused timeout. Absent in records stored before it existed (used).
	 */
	readonly unused?: boolean;
	/** Times the session was revived after an idle expiry; absent means 0. */
	readonly revivalCount?: number;
	/** Epoch ms of the latest revival; absent or null if never revived. */
	readonly revivedAt?: number | null;
}

/** The idle timeouts a handshake applies, in seconds, already clamped. */
export interface SessionTimeouts {
	/** Idle timeout once the session has served a request. */
	readonly timeoutSeconds: number;
	/** Idle timeout until then (`SESSION_UNUSED_TIMEOUT_SECONDS`); the shorter of the two applies. */
	readonly unusedTimeoutSeconds: number;
}

/**
 * What the D1 mirror keeps of a session that ended: its handshake, history,
 * owner and how it ended, enough to decide whether it may be revived and to revive it.
 */
export interface EndedSession {
	readonly id: string;
	readonly status: SessionStatus;
	readonly disconnectReason: DisconnectReason | null;
	/** Epoch ms at which it ended. */
	readonly endedAt: number | null;
	readonly handshake: Handshake;
	readonly logLevel: LoggingLevel | null;
	readonly connectedAt: number;
	readonly requestCount: number;
	readonly handshakeCount: number;
	readonly revivalCount: number;
	readonly userId: string | null;
	readonly userEmail: string | null;
}

/** The user a request comes from, as the session object checks it. */
export interface SessionOwner {
	readonly userId: string;
	readonly email: string;
	/** The user's role as the front door verified it for this request (not stored: roles change). */
	readonly role: UserRole;
}

/** What an `initialize` request tells about its client. */
export interface Handshake {
	readonly clientName: string | null;
	readonly clientVersion: string | null;
	readonly clientCapabilities: unknown;
	readonly protocolVersion: string;
}

/** One served JSON-RPC request, as recorded for the D1 mirror. */
export interface RequestRecord {
	readonly requestId: string;
	readonly sessionId: string;
	readonly method: string;
	readonly toolName: string | null;
	/** Epoch ms at which the request arrived. */
	readonly timestamp: number;
	readonly durationMs: number;
	readonly status: RequestStatus;
	readonly errorMessage: string | null;
	/** The client's W3C `traceparent` from the request's `_meta` (absent in records queued before it was kept). */
	readonly traceparent?: string | null;
}

/** A new session from its first handshake: unused until its first request. */
export function createSession(
	id: string,
	handshake: Handshake,
	owner: SessionOwner | null,
	now: number,
	timeouts: SessionTimeouts,
): SessionRecord {
	return {
		id,
		status: "active",
		...clientFields(handshake),
		connectedAt: now,
		lastActivity: now,
		expiresAt: unusedExpiry(now, timeouts),
		timeoutSeconds: timeouts.timeoutSeconds,
		requestCount: 0,
		handshakeCount: 1,
		endedAt: null,
		disconnectReason: null,
		userId: owner?.userId ?? null,
		userEmail: owner?.email ?? null,
		unused: true,
	};
}

/** True when a request from `owner` may use the session: the same user, or both anonymous. */
export function isOwnedBy(record: SessionRecord, owner: SessionOwner | null): boolean {
	return record.userId === (owner?.userId ?? null);
}

/**
 * A live session after a new handshake: client facts refreshed, history kept,
 * unused until its next request. What the client set in its earlier handshake
 * (log level, subscriptions) starts over, as the client that initializes again expects.
 */
export function resumeSession(
	record: SessionRecord,
	handshake: Handshake,
	now: number,
	timeouts: SessionTimeouts,
): SessionRecord {
	const { logLevel: _level, subscriptions: _subscriptions, ...kept } = record;
	return {
		...kept,
		...clientFields(handshake),
		lastActivity: Math.max(record.lastActivity, now),
		// The resuming client's timeout applies from now on, shorter or longer.
		timeoutSeconds: timeouts.timeoutSeconds,
		expiresAt: unusedExpiry(now, timeouts),
		handshakeCount: record.handshakeCount + 1,
		unused: true,
	};
}

/**
 * A live session after activity: `requests` JSON-RPC requests (0 for
 * notifications, answers and stream resumptions). A request makes the session
 * used; the idle window slides from `now` except while the session is unused,
 * whose deadline only a request moves (README, "Unused sessions").
 */
export function touchSession(record: SessionRecord, now: number, requests: number): SessionRecord {
	const unused = record.unused === true && requests === 0;
	return {
		...record,
		lastActivity: Math.max(record.lastActivity, now),
		expiresAt: unused
			? record.expiresAt
			: Math.max(record.expiresAt, now + record.timeoutSeconds * 1000),
		requestCount: record.requestCount + requests,
		unused,
	};
}

/**
 * True when `ended` may be revived at `now` by a request from `owner`: it
 * ended by idle timeout no more than `windowSeconds` ago, and belongs to the
 * same user (or both are anonymous). Sessions ended by their client, by
 * revocation, by the per-user limit or by an admin never are.
 */
export function isRevivable(
	ended: EndedSession,
	owner: SessionOwner | null,
	now: number,
	windowSeconds: number,
): boolean {
	return (
		windowSeconds > 0 &&
		ended.status === "expired" &&
		ended.disconnectReason === "timeout" &&
		ended.endedAt !== null &&
		now - ended.endedAt <= windowSeconds * 1000 &&
		ended.userId === (owner?.userId ?? null)
	);
}

/**
 * The live session an idle-expired one becomes again: same id, handshake and
 * log level restored, history kept, a fresh idle window from `now`. Revived
 * by a request, it is used at once.
 */
export function reviveSession(
	ended: EndedSession,
	now: number,
	timeoutSeconds: number,
): SessionRecord {
	return {
		id: ended.id,
		status: "active",
		...clientFields(ended.handshake),
		connectedAt: ended.connectedAt,
		lastActivity: now,
		expiresAt: now + timeoutSeconds * 1000,
		timeoutSeconds,
		requestCount: ended.requestCount,
		handshakeCount: ended.handshakeCount,
		endedAt: null,
		disconnectReason: null,
		userId: ended.userId,
		userEmail: ended.userEmail,
		...(ended.logLevel ? { logLevel: ended.logLevel } : {}),
		unused: false,
		revivalCount: ended.revivalCount + 1,
		revivedAt: now,
	};
}

/** A session that has ended for `reason`. */
export function endSession(
	record: SessionRecord,
	reason: DisconnectReason,
	now: number,
): SessionRecord {
	return {
		...record,
		status: reason === "timeout" ? "expired" : "disconnected",
		endedAt: now,
		disconnectReason: reason,
	};
}

/** The session with `level` as its log level. */
export function setLogLevel(record: SessionRecord, level: LoggingLevel): SessionRecord {
	return { ...record, logLevel: level };
}

/** The session subscribed to `uri` as well, or undefined when it holds `MAX_SUBSCRIPTIONS` already. */
export function subscribe(record: SessionRecord, uri: string): SessionRecord | undefined {
	const current = record.subscriptions ?? [];
	if (current.includes(uri)) return record;
	if (current.length >= MAX_SUBSCRIPTIONS) return undefined;
	return { ...record, subscriptions: [...current, uri] };
}

/** The session no longer subscribed to `uri`. */
export function unsubscribe(record: SessionRecord, uri: string): SessionRecord {
	return { ...record, subscriptions: (record.subscriptions ?? []).filter((kept) => kept !== uri) };
}

/** True while the session may serve requests at `now`. */
export function isLive(record: SessionRecord, now: number): boolean {
	return record.status === "active" && now < record.expiresAt;
}

/** The deadline of a session that has served no request since its handshake at `now`. */
function unusedExpiry(now: number, timeouts: SessionTimeouts): number {
	return now + Math.min(timeouts.timeoutSeconds, timeouts.unusedTimeoutSeconds) * 1000;
}

function clientFields(handshake: Handshake) {
	return {
		clientType: clientTypeOf(handshake.clientName ?? undefined),
		clientName: handshake.clientName,
		clientVersion: handshake.clientVersion,
		clientCapabilities: handshake.clientCapabilities,
		protocolVersion: handshake.protocolVersion,
	};
}
