/**
 * The state of one MCP session and the pure rules of its lifecycle:
 * created at `initialize`, touched by every request, ended by idle expiry
 * or by the client. The Durable Object stores it; nothing here does I/O.
 */
import type { LoggingLevel } from "@modelcontextprotocol/server";
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
}

/** The user a request comes from, as the session object checks it. */
export interface SessionOwner {
	readonly userId: string;
	readonly email: string;
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

/** A new session from its first handshake. */
export function createSession(
	id: string,
	handshake: Handshake,
	owner: SessionOwner | null,
	now: number,
	timeoutSeconds: number,
): SessionRecord {
	return {
		id,
		status: "active",
		...clientFields(handshake),
		connectedAt: now,
		lastActivity: now,
		expiresAt: now + timeoutSeconds * 1000,
		timeoutSeconds,
		requestCount: 0,
		handshakeCount: 1,
		endedAt: null,
		disconnectReason: null,
		userId: owner?.userId ?? null,
		userEmail: owner?.email ?? null,
	};
}

/** True when a request from `owner` may use the session: the same user, or both anonymous. */
export function isOwnedBy(record: SessionRecord, owner: SessionOwner | null): boolean {
	return record.userId === (owner?.userId ?? null);
}

/**
 * A live session after a new handshake: client facts refreshed, history kept.
 * What the client set in its earlier handshake (log level, subscriptions)
 * starts over, as the client that initializes again expects.
 */
export function resumeSession(
	record: SessionRecord,
	handshake: Handshake,
	now: number,
	timeoutSeconds: number,
): SessionRecord {
	const { logLevel: _level, subscriptions: _subscriptions, ...kept } = record;
	const touched = touchSession({ ...kept, timeoutSeconds }, now, 0);
	return {
		...touched,
		...clientFields(handshake),
		// The resuming client's timeout applies from now on, shorter or longer.
		expiresAt: now + timeoutSeconds * 1000,
		handshakeCount: record.handshakeCount + 1,
	};
}

/** A live session after activity: the idle window slides from `now`. */
export function touchSession(record: SessionRecord, now: number, requests: number): SessionRecord {
	return {
		...record,
		lastActivity: Math.max(record.lastActivity, now),
		expiresAt: Math.max(record.expiresAt, now + record.timeoutSeconds * 1000),
		requestCount: record.requestCount + requests,
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

function clientFields(handshake: Handshake) {
	return {
		clientType: clientTypeOf(handshake.clientName ?? undefined),
		clientName: handshake.clientName,
		clientVersion: handshake.clientVersion,
		clientCapabilities: handshake.clientCapabilities,
		protocolVersion: handshake.protocolVersion,
	};
}
