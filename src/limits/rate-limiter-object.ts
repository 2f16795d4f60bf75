/**
 * One rate-limit counter per limited subject (a user on `/mcp`, an email or
 * a client IP address on `/authorize`, a client IP address on
 * `/oauth/register`), as a Durable Object named `<rule>:<subject>`
 * (`rate-limits.ts`). One object serializes every request of its subject, so
 * the limit holds exactly under concurrency, in `wrangler dev` and in tests as
 * on Cloudflare; the Workers Rate Limiting binding counts per location, only
 * over 10 or 60 seconds, and not from a variable.
 *
 * The algorithm is GCRA (the generic cell rate algorithm: a token bucket kept
 * as one time). `limit` requests may come at once; after that, one every
 * `periodMs / limit`. So no window boundary lets twice the limit through, and
 * a refused caller learns exactly when the next request is allowed.
 *
 * Storage (SQLite-backed, synchronous KV API):
 *
 * | key   | value                                                                  |
 * | ----- | ---------------------------------------------------------------------- |
 * | `tat` | Theoretical arrival time, epoch ms: when the bucket is full again      |
 *
 * The alarm erases the key once the bucket is full again, so a subject that
 * has gone quiet keeps no storage. Requests do not move the alarm: one that
 * fires while the bucket is not full yet re-arms at its time, so a counted
 * request writes the key and schedules nothing (a `setAlarm` per request was
 * a tenth of an authenticated call's CPU, bench/README.md). The key and the
 * alarm are held in memory once read: this object is their only writer.
 */
import { DurableObject } from "cloudflare:workers";

/** A limit: `limit` requests per `periodMs` milliseconds. */
export interface RateLimit {
	readonly limit: number;
	readonly periodMs: number;
}

/** Whether one more request is allowed, and if not, when it will be. */
export interface RateDecision {
	readonly allowed: boolean;
	/** Whole seconds until one more request is allowed; 0 when allowed. */
	readonly retryAfterSeconds: number;
}

/** Storage key of the theoretical arrival time. */
const TAT_KEY = "tat";

/** The rate-limit counter of one subject. */
export class RateLimiterObject extends DurableObject<Env> {
	/** `tat` as stored (null: absent); undefined until first read. */
	#storedTat: number | null | undefined;
	/** Epoch ms of the scheduled alarm (null: none); undefined until first read. */
	#alarmAt: number | null | undefined;

	/**
	 * Counts one request if the limit allows it; a refused request is not
	 * counted, so retrying while refused does not push the time back.
	 */
	async take(rate: RateLimit): Promise<RateDecision> {
		const now = Date.now();
		const interval = rate.periodMs / rate.limit;
		const tat = Math.max(this.#tat() ?? now, now);
		const waitMs = tat - now - (rate.periodMs - interval);
		if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
		await this.#save(tat + interval);
		return { allowed: true, retryAfterSeconds: 0 };
	}

	/** Gives one counted request back (a sign-in that succeeded after all). */
	async give(rate: RateLimit): Promise<void> {
		const tat = this.#tat();
		if (tat === undefined) return;
		await this.#save(tat - rate.periodMs / rate.limit);
	}

	/** Erases the counter once it no longer limits anything, or re-arms at its time; safe to run twice. */
	override async alarm(): Promise<void> {
		this.#alarmAt = null;
		// Read again: one read per alarm, and a key changed behind the object's back (tests) is seen.
		this.#storedTat = undefined;
		const tat = this.#tat();
		if (tat === undefined || tat <= Date.now()) this.#erase();
		else await this.#arm(tat);
	}

	#tat(): number | undefined {
		if (this.#storedTat === undefined) {
			this.#storedTat = this.ctx.storage.kv.get<number>(TAT_KEY) ?? null;
		}
		return this.#storedTat ?? undefined;
	}

	async #save(tat: number): Promise<void> {
		if (tat <= Date.now()) {
			this.#erase();
			return;
		}
		this.ctx.storage.kv.put(TAT_KEY, tat);
		this.#storedTat = tat;
		// An alarm already scheduled fires no later than it must: it re-arms at `tat` when it finds the bucket not full.
		if (this.#alarmAt === undefined) this.#alarmAt = await this.ctx.storage.getAlarm();
		if (this.#alarmAt === null) await this.#arm(tat);
	}

	#erase(): void {
		this.ctx.storage.kv.delete(TAT_KEY);
		this.#storedTat = null;
	}

	async #arm(at: number): Promise<void> {
		await this.ctx.storage.setAlarm(at);
		this.#alarmAt = at;
	}
}
