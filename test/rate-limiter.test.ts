import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RateLimiterObject } from "../src/limits/rate-limiter-object";

/** A fresh counter object. */
function counter() {
	return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${crypto.randomUUID()}`));
}

describe("RateLimiterObject (GCRA)", () => {
	it("allows exactly the limit under 20 concurrent requests, and says when the next one is allowed", async () => {
		const stub = counter();
		const rate = { limit: 3, periodMs: 60_000 };
		const decisions = await Promise.all(Array.from({ length: 20 }, () => stub.take(rate)));
		expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
		const refused = decisions.filter((decision) => !decision.allowed);
		for (const decision of refused) {
			// One more is allowed every periodMs / limit = 20 s.
			expect(decision.retryAfterSeconds).toBeGreaterThan(0);
			expect(decision.retryAfterSeconds).toBeLessThanOrEqual(20);
		}
	});

	it("takes back what is given (a sign-in that succeeded)", async () => {
		const stub = counter();
		const rate = { limit: 2, periodMs: 3_600_000 };
		expect((await stub.take(rate)).allowed).toBe(true);
		await stub.give(rate);
		expect((await stub.take(rate)).allowed).toBe(true);
		expect((await stub.take(rate)).allowed).toBe(true);
		expect((await stub.take(rate)).allowed).toBe(false);
	});

	it("keeps nothing once the bucket is full again; the alarm is safe to run twice", async () => {
		const stub = counter();
		// One slot refills in 3.6 s: longer than the test, so no real alarm empties the bucket first.
		await stub.take({ limit: 1000, periodMs: 3_600_000 });
		await runInDurableObject(stub, async (_object: RateLimiterObject, state) => {
			expect(state.storage.kv.get("tat")).toBeTypeOf("number");
			// The bucket filled up long ago.
			state.storage.kv.put("tat", Date.now() - 1);
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await runDurableObjectAlarm(stub)).toBe(false);
		await runInDurableObject(stub, (_object: RateLimiterObject, state) => {
			expect(state.storage.kv.get("tat")).toBeUndefined();
		});
	});

	it("schedules one alarm for many requests, and an alarm that finds the bucket not full re-arms at its time", async () => {
		const stub = counter();
		const rate = { limit: 1000, periodMs: 3_600_000 };
		await stub.take(rate);
		const first = await runInDurableObject(stub, (_object: RateLimiterObject, state) =>
			state.storage.getAlarm(),
		);
		expect(first).toBeTypeOf("number");
		for (let i = 0; i < 5; i++) expect((await stub.take(rate)).allowed).toBe(true);
		const [alarm, tat] = await runInDurableObject(
			stub,
			async (_object: RateLimiterObject, state) => [
				await state.storage.getAlarm(),
				state.storage.kv.get<number>("tat"),
			],
		);
		// Requests move the stored time, not the alarm.
		expect(alarm).toBe(first);
		expect(tat).toBeGreaterThan(first as number);
		// Fired early (the bucket is not full yet): it re-arms at the stored time and keeps the key.
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		await runInDurableObject(stub, async (_object: RateLimiterObject, state) => {
			expect(await state.storage.getAlarm()).toBe(tat);
			expect(state.storage.kv.get("tat")).toBe(tat);
		});
		expect((await stub.take(rate)).allowed).toBe(true);
	});
});
