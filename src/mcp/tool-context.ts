/**
 * What a tool may use while it runs: the Worker's bindings and who is calling,
 * in the caller's era. Passed in, so tools stay testable and free of globals.
 *
 * A legacy (2025) caller is a session: its record lives in the session's
 * Durable Object. A modern (2026-07-28) caller has no protocol session: it is
 * this one request, its verified user and what its `_meta` says.
 */
import type { ServerNotifier } from "@modelcontextprotocol/server";
import type { UserRole } from "../db/identity-schema";
import type { SessionRecord } from "../session/session-record";

/** The caller of one 2026-07-28 request, as the modern lane verified and read it. */
export interface RequestCaller {
	/** The verified user; null when auth is off (loopback development). */
	readonly userId: string | null;
	readonly userEmail: string | null;
	/** The verified user's role, read from D1 by the front door for this request; null when auth is off. */
	readonly role: UserRole | null;
	/** `io.modelcontextprotocol/clientInfo` of the request's `_meta`, when it carried one. */
	readonly clientName: string | null;
	readonly clientVersion: string | null;
	/** `io.modelcontextprotocol/protocolVersion` of the request's `_meta`. */
	readonly protocolVersion: string | null;
}

/** Dependencies of a tool served in a legacy session. */
export interface SessionToolContext {
	readonly env: Env;
	/** The current record of the calling session (read at call time, so counts are fresh). */
	readonly session: () => SessionRecord | undefined;
	/**
	 * The role of the session's user as the front door verified it for the
	 * latest request of the session (null when auth is off): a session outlives
	 * role changes, so its record keeps none.
	 */
	readonly role: () => UserRole | null;
}

/** Dependencies of a tool served to a 2026-07-28 request. */
export interface RequestToolContext {
	readonly env: Env;
	readonly caller: RequestCaller;
	/** Publishes change events to the `subscriptions/listen` streams of this isolate. */
	readonly notify: ServerNotifier;
}

/** Dependencies handed to every tool: a session's, or a single modern request's. */
export type ToolContext = SessionToolContext | RequestToolContext;

/** True when `context` serves a legacy session. */
export function inSession(context: ToolContext): context is SessionToolContext {
	return "session" in context;
}
