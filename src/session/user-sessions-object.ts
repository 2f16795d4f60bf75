/**
 * The Durable Object that owns one user's set of live sessions, named by the
 * user id. Every change to the set runs in it one at a time, so the per-user
 * session limit (`MAX_SESSIONS_PER_USER`, `SESSION_LIMIT_POLICY`) is exact
 * however many `initialize` calls race, and revocation ends a user's sessions
 * without reading D1 (issue 12, "exact limits").
 *
 * Only sessions that have served a request count towards the limit: a session
 * is admitted unused at its handshake and counted from its first request, so
 * a burst of throwaway sessions (one per CLI call, two per mcp-remote start)
 * never evicts a session in real use. Unused sessions are bounded separately
 * (`MAX_UNUSED_SESSIONS`), and expire after `SESSION_UNUSED_TIMEOUT_SECONDS`.
 *
 * Sessions leave the set when they end (`release`). A session whose release
 * was lost is found out when the limit is reached: every counted session is
 * asked whether it is still live before anything is refused or evicted.
 *
 * Storage (SQLite-backed, synchronous KV API):
 *
 * | key               | value                                                              |
 * | ----------------- | ------------------------------------------------------------------ |
 * | `live:<session>`  | `LiveEntry`: when it was admitted, and when it was first used      |
 * | `ended-all-at`    | Epoch ms of the latest `endAll` (revocation): older sessions stay ended |
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../config";
import { JsonRpcCode, McpHttpError } from "../errors";
import { log } from "../log";
import { shortId } from "./session-id";
import type { ServerEndReason } from "./session-object";
import { sessionStub } from "./session-routing";

/** Unused sessions one user may hold; beyond it the oldest unused one is ended (`evicted`). */
export const MAX_UNUSED_SESSIONS = 100;

/** Storage keys of a user's object. */
const UserKey = {
	LivePrefix: "live:",
	EndedAllAt: "ended-all-at",
} as const;

/** One live session of the user. */
interface LiveEntry {
	/** Epoch ms at which it was admitted. */
	readonly since: number;
	/** Epoch ms of its first request; null while unused. */
	readonly usedAt: number | null;
}

/** What a session asking to be admitted is told: yes, or no because of the limit it names. */
export type Admission =
	| { readonly admitted: true }
	| { readonly admitted: false; readonly limit: number };

const ADMITTED: Admission = { admitted: true };

/** One user's live sessions. Its name is the user id. */
export class UserSessionsObject extends DurableObject<Env> {
	/** The tail of the queue every change runs in, one at a time, across awaits. */
	#queue: Promise<unknown> = Promise.resolve();

	/**
	 * Admits a session about to be created, unused. Under `refuse`, refused
	 * when the user already holds `MAX_SESSIONS_PER_USER` used sessions.
	 */
	admitNew(userId: string, sessionId: string): Promise<Admission> {
		return this.#exclusive(userId, async () => {
			const entries = this.#entries();
			const config = readConfig(this.env);
			if (config.sessionLimitPolicy === "refuse") {
				const used = await this.#liveUsed(userId, entries, sessionId);
				if (used.length >= config.maxSessionsPerUser) return refused(config.maxSessionsPerUser);
			}
			await this.#boundUnused(userId, entries);
			this.#put(sessionId, { since: Date.now(), usedAt: null });
			return ADMITTED;
		});
	}

	/**
	 * Counts a session from its first request: admitted when the user holds
	 * fewer than `MAX_SESSIONS_PER_USER` used sessions; otherwise the least
	 * recently active ones are evicted (`evict`) or it is refused (`refuse`).
	 */
	admitUse(userId: string, sessionId: string): Promise<Admission> {
		return this.#exclusive(userId, async () => {
			const entry = this.#entry(sessionId);
			if (entry?.usedAt != null) return ADMITTED;
			return this.#admitUsed(userId, sessionId, entry?.since ?? Date.now());
		});
	}

	/**
	 * Admits a session revived after its idle expiry at `endedAt` (epoch ms),
	 * as a used one; refused as revoked when the user's sessions were all
	 * ended (`endAll`) after it expired, as they would have ended it had it been live.
	 */
	admitRevival(userId: string, sessionId: string, endedAt: number): Promise<Admission | "revoked"> {
		return this.#exclusive(userId, async () => {
			const endedAllAt = this.ctx.storage.kv.get<number>(UserKey.EndedAllAt) ?? 0;
			if (endedAllAt >= endedAt) return "revoked" as const;
			return this.#admitUsed(userId, sessionId, Date.now());
		});
	}

	/** Forgets a session that ended (or was never created). */
	release(userId: string, sessionId: string): Promise<void> {
		return this.#exclusive(userId, async () => {
			this.ctx.storage.kv.delete(liveKey(sessionId));
		});
	}

	/** Ends every live session of the user for `reason` and returns how many ended. */
	endAll(userId: string, reason: ServerEndReason): Promise<number> {
		return this.#exclusive(userId, async () => {
			this.ctx.storage.kv.put(UserKey.EndedAllAt, Date.now());
			const ids = [...this.#entries().keys()];
			const results = await Promise.allSettled(ids.map((id) => this.#end(id, reason)));
			const failed = results.filter((result) => result.status === "rejected").length;
			if (failed > 0) throw new Error(`${failed} of ${ids.length} sessions could not be ended`);
			return results.filter((result) => result.status === "fulfilled" && result.value).length;
		});
	}

	/** The user's live sessions, for tests and admin tools: id, admitted at, first used at. */
	async list(userId: string): Promise<Array<{ sessionId: string } & LiveEntry>> {
		this.#checkName(userId);
		return [...this.#entries()].map(([sessionId, entry]) => ({ sessionId, ...entry }));
	}

	/** Marks `sessionId` used once there is room for it under the limit. */
	async #admitUsed(userId: string, sessionId: string, since: number): Promise<Admission> {
		const config = readConfig(this.env);
		const max = config.maxSessionsPerUser;
		const used = await this.#liveUsed(userId, this.#entries(), sessionId);
		const excess = used.length - max + 1;
		if (excess > 0) {
			if (config.sessionLimitPolicy === "refuse") return refused(max);
			const leastRecent = used.sort((a, b) => a.lastActivity - b.lastActivity).slice(0, excess);
			for (const { sessionId: evicted } of leastRecent) {
				await this.#end(evicted, "evicted");
				log.info("session.evicted", { session: shortId(evicted), user: userId, limit: max });
			}
		}
		this.#put(sessionId, { since, usedAt: Date.now() });
		return ADMITTED;
	}

	/**
	 * The used sessions (other than `except`) with their last activity, as each
	 * reports it; only asked once they would reach the limit. Entries of
	 * sessions that are no longer live are dropped on the way.
	 */
	async #liveUsed(
		userId: string,
		entries: Map<string, LiveEntry>,
		except: string,
	): Promise<Array<{ sessionId: string; lastActivity: number }>> {
		const used = [...entries].filter(([id, entry]) => id !== except && entry.usedAt !== null);
		if (used.length < readConfig(this.env).maxSessionsPerUser) {
			return used.map(([sessionId, entry]) => ({ sessionId, lastActivity: entry.usedAt ?? 0 }));
		}
		const reported = await Promise.all(
			used.map(async ([sessionId, entry]) => {
				const stub = sessionStub(this.env.MCP_SESSION, sessionId);
				// A session that cannot answer now is counted, as live as when it was first used.
				const lastActivity = await stub.activity(sessionId).catch(() => entry.usedAt ?? 0);
				return { sessionId, lastActivity };
			}),
		);
		const live = [];
		for (const session of reported) {
			if (session.lastActivity === null) {
				this.ctx.storage.kv.delete(liveKey(session.sessionId));
				log.warn("user_sessions.stale_entry", {
					session: shortId(session.sessionId),
					user: userId,
				});
			} else {
				live.push({ sessionId: session.sessionId, lastActivity: session.lastActivity });
			}
		}
		return live;
	}

	/** Ends the oldest unused sessions while the user holds `MAX_UNUSED_SESSIONS` of them. */
	async #boundUnused(userId: string, entries: Map<string, LiveEntry>): Promise<void> {
		const unused = [...entries]
			.filter(([, entry]) => entry.usedAt === null)
			.sort(([, a], [, b]) => a.since - b.since);
		const excess = Math.max(0, unused.length - MAX_UNUSED_SESSIONS + 1);
		for (const [sessionId] of unused.slice(0, excess)) {
			await this.#end(sessionId, "evicted");
			log.info("session.evicted", {
				session: shortId(sessionId),
				user: userId,
				unusedLimit: MAX_UNUSED_SESSIONS,
			});
		}
	}

	/** Ends one session for `reason` and forgets it; true if it was live. */
	async #end(sessionId: string, reason: ServerEndReason): Promise<boolean> {
		const ended = await sessionStub(this.env.MCP_SESSION, sessionId).end(sessionId, reason);
		this.ctx.storage.kv.delete(liveKey(sessionId));
		return ended;
	}

	/** Every entry of the set; it holds at most the limit plus `MAX_UNUSED_SESSIONS` (and stale ones being found out). */
	#entries(): Map<string, LiveEntry> {
		const limit = readConfig(this.env).maxSessionsPerUser + MAX_UNUSED_SESSIONS + 1;
		const entries = new Map<string, LiveEntry>();
		for (const [key, entry] of this.ctx.storage.kv.list<LiveEntry>({
			prefix: UserKey.LivePrefix,
			limit,
		})) {
			entries.set(key.slice(UserKey.LivePrefix.length), entry);
		}
		return entries;
	}

	#entry(sessionId: string): LiveEntry | undefined {
		return this.ctx.storage.kv.get<LiveEntry>(liveKey(sessionId));
	}

	#put(sessionId: string, entry: LiveEntry): void {
		this.ctx.storage.kv.put(liveKey(sessionId), entry);
	}

	/** Runs `work` after every change queued before it, so no two interleave at an await. */
	#exclusive<T>(userId: string, work: () => Promise<T>): Promise<T> {
		this.#checkName(userId);
		const run = this.#queue.then(work);
		this.#queue = run.catch(() => undefined);
		return run;
	}

	#checkName(userId: string): void {
		const name = this.ctx.id.name;
		if (name !== undefined && name !== userId) {
			throw new Error("User sessions object addressed with an id that is not its name");
		}
	}
}

/** The namespace binding of per-user objects. */
export type UserSessionsNamespace = DurableObjectNamespace<UserSessionsObject>;

/** The object of `userId`'s live sessions. */
export function userSessionsStub(namespace: UserSessionsNamespace | undefined, userId: string) {
	if (!namespace) {
		throw new Error(
			'The Durable Object binding "USER_SESSIONS" is missing: add [[durable_objects.bindings]] name = "USER_SESSIONS", class_name = "UserSessionsObject" to wrangler.toml.',
		);
	}
	return namespace.get(namespace.idFromName(userId));
}

/** The 403 (-32002) a session refused by the limit answers. */
export function sessionLimitError(limit: number): McpHttpError {
	return new McpHttpError(
		403,
		JsonRpcCode.LimitExceeded,
		`Session limit reached: at most ${limit} sessions in use per user. End one (DELETE /mcp) or wait for one to expire.`,
	);
}

function refused(limit: number): Admission {
	return { admitted: false, limit };
}

function liveKey(sessionId: string): string {
	return `${UserKey.LivePrefix}${sessionId}`;
}
