/**
 * The Durable Object that is one MCP session. It validates every request
 * against its stored record before serving it, keeps the session's MCP
 * server and transport while it lives in memory (restoring them from the
 * record after a restart), expires it when idle by an alarm that requests do
 * not move (it re-arms at the deadline they slid), and mirrors the
 * session and its requests to D1 off the response path.
 *
 * Storage layout: `session-store.ts`. Lifecycle rules: `session-record.ts`.
 * The D1 mirror: `session-mirror.ts`. The live server and transport:
 * `session-connection.ts`; the SSE event log behind `Last-Event-ID`:
 * `session-event-store.ts`.
 *
 * Ending a session (idle alarm or DELETE) first marks the record ended, so no
 * later request is served, then writes the final row to D1 and deletes the
 * object's storage. If D1 is unreachable the alarm retries, backing off, up
 * to a bound (`session-mirror.ts`).
 *
 * A session is created only once its D1 row is written (503 otherwise), so
 * every session is visible to the admin API and the disable sweep. A session
 * of a user is admitted by that user's object (`user-sessions-object.ts`)
 * when it is created and again at its first request, which is when the
 * per-user limit counts it. A session that ended by idle timeout is revived
 * by a later request of its user (`session-revival.ts`).
 */

import { DurableObject } from "cloudflare:workers";
import {
	type JSONRPCMessage,
	ProtocolError,
	ProtocolErrorCode,
} from "@modelcontextprotocol/server";
import { readConfig } from "../config";
import type { UserRole } from "../db/identity-schema";
import type { DisconnectReason } from "../db/schema";
import { describeError, errorResponse, McpHttpError, serviceUnavailable } from "../errors";
import { withHeaders } from "../http/response-headers";
import { log } from "../log";
import { isRequestMessage } from "../mcp/message-kind";
import { Header } from "../mcp/protocol";
import { callerAuthInfo } from "../mcp/request-state";
import { validateBatchAllowed } from "../mcp/request-validation";
import type { ResourceSubscriptions } from "../mcp/server";
import type { TrackedRequest } from "../mcp/tracking-transport";
import { McpAttribute } from "../telemetry/attributes";
import { logServedRequest } from "../telemetry/request-log";
import { type ConnectionDeps, ConnectionSlot, requestedLogLevel } from "./session-connection";
import { SessionEventStore } from "./session-event-store";
import { shortId } from "./session-id";
import { SessionMirror } from "./session-mirror";
import {
	createSession,
	endSession,
	type Handshake,
	isLive,
	isOwnedBy,
	MAX_SUBSCRIPTIONS,
	type RequestRecord,
	resumeSession,
	type SessionOwner,
	type SessionRecord,
	type SessionTimeouts,
	setLogLevel,
	subscribe,
	touchSession,
	unsubscribe,
} from "./session-record";
import { reviveDormantSession, terminateDormantSession } from "./session-revival";
import { SessionStore } from "./session-store";
import { sessionLimitError, userSessionsStub } from "./user-sessions-object";

/** One MCP HTTP request, already validated by the Worker, as handed to a session object. */
export interface SessionCall {
	/** The session this call is for; must name this object. */
	readonly sessionId: string;
	/** URL of the original request. */
	readonly url: string;
	/** The headers the MCP transport reads (Accept, Content-Type, MCP-Protocol-Version, Last-Event-ID). */
	readonly headers: Record<string, string>;
	/** The parsed JSON-RPC body: one message, or a batch where the revision allows it. */
	readonly body: JSONRPCMessage | JSONRPCMessage[];
	/** The verified user making the request; null when auth is off (loopback development). */
	readonly owner: SessionOwner | null;
	/** Idle timeout for a session this call creates or resumes, in seconds, already clamped. */
	readonly timeoutSeconds: number;
	/** False only for the benchmark's untracked loopback requests (`http/bench-tracking.ts`); absent means tracked. */
	readonly tracked?: boolean;
}

/** An `initialize`, with the handshake the Worker validated (`mcp/initialize-params.ts`). */
export interface InitializeCall extends SessionCall {
	readonly handshake: Handshake;
}

/** A GET that resumes a cut SSE stream after `Last-Event-ID`: a call without a body. */
export type StreamCall = Omit<SessionCall, "body">;

/** Reasons the server (not the client, not the clock) ends a session for. */
export type ServerEndReason = Exclude<DisconnectReason, "timeout" | "client_terminated">;

/** One MCP session. Its name is the session id. */
export class McpSessionObject extends DurableObject<Env> {
	readonly #store: SessionStore;
	readonly #mirror: SessionMirror;
	readonly #events: SessionEventStore;
	/** True once this instance has served or created its session; false after every restart. */
	#warm = false;
	/** The tail of the queue revivals run in, one at a time. */
	#revivals: Promise<unknown> = Promise.resolve();
	/** The session's live server and transport in this instance. */
	readonly #connection = new ConnectionSlot();
	/** Whether the last call asked for request rows; false only under the benchmark's `BENCH_TRACKING=off`. */
	#tracked = true;
	/**
	 * The role of the session's user as the front door verified it for the
	 * latest call (null when auth is off): what the session's tools act with,
	 * so a tool call reads no role from D1 and a role change applies at the next call.
	 */
	#ownerRole: UserRole | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.#events = new SessionEventStore(ctx.storage);
		this.#store = new SessionStore(ctx.storage, () => this.#events.forget());
		this.#mirror = new SessionMirror(this.#store, env.DB, (work) => ctx.waitUntil(work));
	}

	/**
	 * Handles `initialize` under a freshly minted id: creates the session,
	 * once its user's object admitted it and its D1 row is written. Returns
	 * null when the id is taken; 403 past the limit (`refuse`), 503 if D1 fails.
	 */
	create(call: InitializeCall): Promise<Response | null> {
		return answered(async () => {
			this.#checkName(call.sessionId);
			if (this.#store.session() !== undefined) return null;
			const { owner } = call;
			if (owner) {
				const admission = await this.#users(owner.userId).admitNew(owner.userId, call.sessionId);
				if (!admission.admitted) throw sessionLimitError(admission.limit);
			}
			const record = createSession(
				call.sessionId,
				call.handshake,
				owner,
				Date.now(),
				this.#timeouts(call),
			);
			try {
				// The row exists in D1 before the session does: the admin API, the disable sweep and revival find it there.
				await this.#mirror.writeSessionRow(record);
			} catch (error) {
				log.error("session.create_failed", {
					[McpAttribute.SessionId]: shortId(record.id),
					error: describeError(error),
				});
				if (owner) await this.#releaseFromUser(record);
				throw serviceUnavailable("the session could not be recorded");
			}
			log.info(
				"session.created",
				this.#fields(record, { [McpAttribute.ProtocolVersion]: record.protocolVersion }),
			);
			this.#warm = true;
			return this.#serve(record, call, true);
		});
	}

	/**
	 * Handles `initialize` naming this session: a new handshake in it (history
	 * kept), whether it is live or dormant after an idle expiry. Null when there
	 * is nothing to resume for this caller.
	 */
	resume(call: InitializeCall): Promise<Response | null> {
		return answered(async () => {
			const current = await this.#liveOrRevived(call);
			if (!current) return null;
			const record = resumeSession(current, call.handshake, Date.now(), this.#timeouts(call));
			log.info("session.resumed", this.#fields(record, { handshakes: record.handshakeCount }));
			return this.#serve(record, call, true);
		});
	}

	/**
	 * Serves a non-initialize POST in this session, reviving it if it is
	 * dormant; null if there is no session for this caller. A session's first
	 * request after its handshake is admitted by its user's object (the limit).
	 */
	serve(call: SessionCall): Promise<Response | null> {
		return answered(async () => {
			let current = await this.#liveOrRevived(call);
			if (!current) return null;
			// Leaving MCP-Protocol-Version out must not bring back batching the session's revision removed.
			if (Array.isArray(call.body)) validateBatchAllowed(current.protocolVersion);
			const messages = Array.isArray(call.body) ? call.body : [call.body];
			// The Worker validated every message (`parseMessages`).
			const requests = messages.filter(isRequestMessage).length;
			if (current.unused && requests > 0 && current.userId !== null) {
				const admission = await this.#users(current.userId).admitUse(current.userId, current.id);
				if (!admission.admitted) throw sessionLimitError(admission.limit);
				// Ended (by the limit's eviction, a DELETE) while it waited: not served.
				current = this.#ownedLiveSession(Date.now(), call.owner);
				if (!current) return null;
			}
			const touched = touchSession(current, Date.now(), requests);
			// Kept in the record so a server restored after eviction filters at the same level.
			const level = requestedLogLevel(messages);
			return this.#serve(level ? setLogLevel(touched, level) : touched, call, false);
		});
	}

	/**
	 * Resumes a cut SSE stream of this session (GET with `Last-Event-ID`):
	 * replays that stream's events after the given one, and keeps the stream
	 * open while its request is still running. Null if the session is not live.
	 */
	async resumeStream(call: StreamCall): Promise<Response | null> {
		const now = Date.now();
		const current = this.#admitted(call, now);
		if (!current) return null;
		return this.#serve(touchSession(current, now, 0), call, false);
	}

	/**
	 * Ends the session at the client's request (HTTP DELETE): 204, or null if
	 * there is none for this caller. A dormant session is ended for good, as it
	 * would have been live, so it is never revived.
	 */
	terminate(sessionId: string, owner: SessionOwner | null): Promise<Response | null> {
		return answered(async () => {
			this.#checkName(sessionId);
			const current = this.#ownedLiveSession(Date.now(), owner);
			if (current) {
				this.#end(current, "client_terminated");
			} else if (
				!(await this.#finishEnded()) ||
				!(await terminateDormantSession(this.env, { sessionId, owner }))
			) {
				return null;
			}
			return new Response(null, { status: 204, headers: sessionHeaders(sessionId) });
		});
	}

	/**
	 * The last activity (epoch ms) of the session if it is live, or null: how
	 * its user's object checks the sessions it counts and picks the least
	 * recently active one to evict.
	 */
	async activity(sessionId: string): Promise<number | null> {
		this.#checkName(sessionId);
		return this.#liveSession(Date.now())?.lastActivity ?? null;
	}

	/**
	 * Ends the session for a reason of the server's (revoked credentials, the
	 * per-user limit, an admin), and waits until D1 shows it; false if it was not live.
	 */
	async end(sessionId: string, reason: ServerEndReason): Promise<boolean> {
		this.#checkName(sessionId);
		const current = this.#liveSession(Date.now());
		if (!current) return false;
		this.#end(current, reason);
		await this.#mirror.sync().catch((error: unknown) => this.#mirror.scheduleRetry(error));
		return true;
	}

	/**
	 * Makes an imported session live again (docs/export-format.md): stores its
	 * record and arms its idle-expiry alarm, in an object that holds no session.
	 * The next request restores its server from the record's handshake, as
	 * after a restart. False when the object holds a session already, so an
	 * import run twice changes nothing.
	 */
	async restore(record: SessionRecord): Promise<boolean> {
		this.#checkName(record.id);
		if (this.#store.session() !== undefined || record.status !== "active") return false;
		this.#store.saveSession(record);
		await this.#store.setAlarm(record.expiresAt);
		log.info("session.imported", this.#fields(record, { expiresAt: record.expiresAt }));
		return true;
	}

	/**
	 * Writes everything pending to D1 now and waits for it. Returns the number of
	 * request rows still queued (0 when the mirror is current). For tests and admin tools.
	 */
	async syncMirror(): Promise<number> {
		try {
			await this.#mirror.sync();
		} catch (error) {
			await this.#mirror.scheduleRetry(error);
			throw error;
		}
		return this.#mirror.pending();
	}

	/**
	 * Idle expiry and mirror retries. Requests do not move the alarm, they
	 * slide the record's deadline: an alarm that finds the session used since
	 * it was set re-arms at that deadline (`lastActivity` + timeout), so expiry
	 * is still exact to the alarm's granularity. Safe to run twice: a session
	 * that is gone is a no-op, an ended one only retries its final D1 write.
	 */
	override async alarm(): Promise<void> {
		this.#store.alarmFired();
		const record = this.#store.reload();
		if (!record) return;
		const now = Date.now();
		if (record.status === "active" && now >= record.expiresAt) {
			this.#store.saveSession(endSession(record, "timeout", now));
			log.info(
				"session.expired",
				this.#fields(record, {
					idleSeconds: record.timeoutSeconds,
					unused: record.unused === true,
				}),
			);
			await this.#connection.close();
			await this.#releaseFromUser(record);
		}
		try {
			await this.#mirror.sync();
		} catch (error) {
			await this.#mirror.retryFailed(error);
			return;
		}
		// Live: the deadline as the requests since the alarm was set left it (a request meanwhile may have armed one already).
		const after = this.#store.session();
		if (after?.status === "active") await this.#store.armBy(after.expiresAt);
	}

	/**
	 * Runs the MCP transport for `call` in `record` (a POST, or a GET that
	 * resumes a stream), saving the record first and arming the alarm if the
	 * deadline moved before it (a new handshake's shorter timeout);
	 * `handshake` when `call` is an `initialize`, which gets a new connection.
	 */
	async #serve(
		record: SessionRecord,
		call: SessionCall | StreamCall,
		handshake: boolean,
	): Promise<Response> {
		this.#tracked = call.tracked !== false;
		this.#ownerRole = call.owner?.role ?? null;
		const saved = { ...record, requestCount: record.requestCount + (handshake ? 1 : 0) };
		this.#store.saveSession(saved);
		await this.#store.armBy(saved.expiresAt);

		const deps = this.#connectionDeps(saved.id);
		const connection = await (handshake
			? this.#connection.replace(deps)
			: this.#connection.current(deps, saved, call.url));
		const body = "body" in call ? call.body : undefined;
		const request = new Request(call.url, {
			method: body === undefined ? "GET" : "POST",
			headers: { ...call.headers, [Header.McpSessionId]: saved.id },
		});
		const caller = callerAuthInfo(call.owner?.userId ?? null);
		const response = await connection.handle(request, body, caller);
		// Requests carrying only notifications (or answers to the server) are settled now; mirror the activity too.
		if (response.status === 202) this.#mirror.syncSoon();
		return withHeaders(response, (headers) => setSessionHeaders(headers, saved.id));
	}

	#connectionDeps(sessionId: string): ConnectionDeps {
		return {
			sessionId,
			env: this.env,
			session: () => this.#store.session(),
			role: () => this.#ownerRole,
			events: this.#events,
			subscriptions: this.#subscriptions(),
			onDone: (done) => this.#track(sessionId, done),
		};
	}

	/** Resource subscriptions kept in the live record, so they outlive this instance. */
	#subscriptions(): ResourceSubscriptions {
		const update = (change: (record: SessionRecord) => SessionRecord | undefined) => {
			const record = this.#liveSession(Date.now());
			if (!record) return;
			const changed = change(record);
			if (!changed) {
				throw new ProtocolError(
					ProtocolErrorCode.InvalidParams,
					`A session may subscribe to at most ${MAX_SUBSCRIPTIONS} resources`,
				);
			}
			this.#store.saveSession(changed);
		};
		return {
			subscribe: (uri) => update((record) => subscribe(record, uri)),
			unsubscribe: (uri) => update((record) => unsubscribe(record, uri)),
		};
	}

	/**
	 * The live session `call` may use, or the dormant one revived for it, or
	 * undefined. Revivals run one at a time: a request that waited finds the
	 * session live, revived by the one before it.
	 */
	#liveOrRevived(call: SessionCall): Promise<SessionRecord | undefined> {
		const live = this.#admitted(call, Date.now());
		// Live and this caller's, or live and another user's (logged): nothing to revive.
		if (live || this.#store.session()?.status === "active") return Promise.resolve(live);
		const turn = this.#revivals.then(async () => {
			if (this.#store.session()?.status === "active") return this.#admitted(call, Date.now());
			if (!(await this.#finishEnded())) return undefined;
			const revived = await reviveDormantSession(this.env, {
				sessionId: call.sessionId,
				owner: call.owner,
				timeoutSeconds: call.timeoutSeconds,
			});
			if (revived) this.#warm = true;
			return revived;
		});
		this.#revivals = turn.catch(() => undefined);
		return turn;
	}

	/**
	 * True when this object holds no session, after finishing one that ended
	 * by idle timeout (its final row written to D1 and its storage erased, so
	 * D1 is where it can be revived from); false when it holds another one.
	 * Throws 503 when the final row cannot be written now.
	 */
	async #finishEnded(): Promise<boolean> {
		const record = this.#store.session();
		if (!record) return true;
		if (record.status === "active" || record.disconnectReason !== "timeout") return false;
		await this.#mirror.sync().catch(() => undefined);
		if (this.#store.session()) throw serviceUnavailable("the session store is unreachable");
		return true;
	}

	/**
	 * The live session `call` may use (this object's, and its owner's), or
	 * undefined; logs the first request this instance serves for a session it did not open.
	 */
	#admitted(call: StreamCall, now: number): SessionRecord | undefined {
		this.#checkName(call.sessionId);
		const record = this.#ownedLiveSession(now, call.owner);
		if (record && !this.#warm) {
			this.#warm = true;
			log.info("session.served_after_restart", this.#fields(record));
		}
		return record;
	}

	/** Queues a finished request for D1 and starts a background sync. */
	#track(sessionId: string, done: TrackedRequest): void {
		if (!this.#tracked) return;
		const record: RequestRecord = {
			requestId: crypto.randomUUID(),
			sessionId,
			method: done.method,
			toolName: done.toolName,
			timestamp: done.startedAt,
			durationMs: done.durationMs,
			status: done.status,
			errorMessage: done.errorMessage,
			traceparent: done.traceparent,
		};
		const session = this.#store.session();
		logServedRequest({
			...record,
			era: "legacy",
			jsonrpcId: done.jsonrpcId,
			traceparent: done.traceparent,
			protocolVersion: session?.protocolVersion ?? null,
		});
		if (session === undefined) {
			// The session ended and was erased while this request was in flight.
			this.#mirror.writeLateRow(record);
			return;
		}
		this.#store.enqueue(record);
		this.#mirror.syncSoon();
	}

	/**
	 * The live session if it belongs to `owner`. Another user's session answers
	 * exactly like an unknown one (the caller gets 404), and is logged.
	 */
	#ownedLiveSession(now: number, owner: SessionOwner | null): SessionRecord | undefined {
		const record = this.#liveSession(now);
		if (!record || isOwnedBy(record, owner)) return record;
		log.warn(
			"session.hijack_suspected",
			this.#fields(record, {
				requestUser: owner?.userId ?? "anonymous",
				sessionUser: record.userId,
			}),
		);
		return undefined;
	}

	/** The live session, ending it on the spot if its alarm is late. */
	#liveSession(now: number): SessionRecord | undefined {
		const record = this.#store.session();
		if (!record) return undefined;
		if (isLive(record, now)) return record;
		if (record.status === "active") {
			this.#end(record, "timeout");
			log.info("session.expired", this.#fields(record, { lateAlarm: true }));
		}
		return undefined;
	}

	/**
	 * Marks the session ended (no request is served after this) and finishes it
	 * in the background; its user's object forgets it (after whatever it is
	 * doing, when it is the one ending it).
	 */
	#end(record: SessionRecord, reason: DisconnectReason): void {
		this.#store.saveSession(endSession(record, reason, Date.now()));
		if (reason !== "timeout") log.info("session.terminated", this.#fields(record, { reason }));
		this.ctx.waitUntil(this.#connection.close());
		this.ctx.waitUntil(this.#releaseFromUser(record));
		this.#mirror.syncSoon();
	}

	/** Tells the session's user's object it ended; a lost release is found out by that object later. */
	async #releaseFromUser(record: SessionRecord): Promise<void> {
		if (record.userId === null) return;
		await this.#users(record.userId)
			.release(record.userId, record.id)
			.catch((error: unknown) =>
				log.warn("user_sessions.release_failed", {
					[McpAttribute.SessionId]: shortId(record.id),
					error: describeError(error),
				}),
			);
	}

	#users(userId: string) {
		return userSessionsStub(this.env.USER_SESSIONS, userId);
	}

	/** The idle timeouts of a handshake by `call`'s client. */
	#timeouts(call: SessionCall): SessionTimeouts {
		return {
			timeoutSeconds: call.timeoutSeconds,
			unusedTimeoutSeconds: readConfig(this.env).sessionUnusedTimeoutSeconds,
		};
	}

	#checkName(sessionId: string): void {
		const name = this.ctx.id.name;
		if (name !== undefined && name !== sessionId) {
			throw new Error("Session object addressed with an id that is not its name");
		}
	}

	#fields(record: SessionRecord, extra: Record<string, string | number | boolean | null> = {}) {
		return {
			[McpAttribute.SessionId]: shortId(record.id),
			clientType: record.clientType,
			...extra,
		};
	}
}

/** The headers that name the session on every response (both spellings, see README). */
function sessionHeaders(sessionId: string): Record<string, string> {
	return { "Mcp-Session-Id": sessionId, "X-Archon-Session-Id": sessionId };
}

function setSessionHeaders(headers: Headers, sessionId: string): void {
	for (const [name, value] of Object.entries(sessionHeaders(sessionId))) headers.set(name, value);
}

/**
 * The response of an RPC method: the wire errors its steps throw (a limit,
 * an unreachable D1, a refused batch) become their JSON-RPC error responses
 * here, since an error crossing RPC loses its class.
 */
async function answered(work: () => Promise<Response | null>): Promise<Response | null> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof McpHttpError) return errorResponse(error);
		throw error;
	}
}
