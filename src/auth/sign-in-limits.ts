/**
 * Failed sign-ins on `/authorize`, limited per email address and per client
 * IP address (`SIGN_IN_FAILURES_PER_EMAIL_PER_HOUR`,
 * `SIGN_IN_FAILURES_PER_IP_PER_HOUR`). Every attempt is counted before its
 * credentials are checked, so a burst of concurrent guesses cannot all pass a
 * check made first; an attempt that succeeds is given back, so only failures
 * count. Unknown emails are counted like known ones.
 */
import type { ServerConfig } from "../config";
import type { RateDecision } from "../limits/rate-limiter-object";
import { clientIp, RateCounter, type RateLimiterNamespace } from "../limits/rate-limits";
import type { SignInAttempt } from "./sign-in";

/** An attempt as counted: refused outright, or allowed and to be given back if it succeeds. */
export type CountedSignIn =
	| { readonly allowed: false; readonly decision: RateDecision }
	| { readonly allowed: true; readonly succeeded: () => Promise<void> };

/**
 * Counts `attempt` against its client IP and, for a password, its email.
 *
 * @example
 * const counted = await countSignIn(env.RATE_LIMITER, config, request, attempt);
 * if (!counted.allowed) return tooManySignIns(counted.decision);
 */
export async function countSignIn(
	namespace: RateLimiterNamespace | undefined,
	config: ServerConfig,
	request: Request,
	attempt: SignInAttempt,
): Promise<CountedSignIn> {
	const counters = [await RateCounter.of(namespace, config, "sign-in-ip", clientIp(request))];
	if (attempt.kind === "password") {
		counters.push(await RateCounter.of(namespace, config, "sign-in-email", attempt.email));
	}
	const decisions = await Promise.all(counters.map((counter) => counter.take()));
	const refused = decisions.filter((decision) => !decision.allowed);
	if (refused.length > 0) {
		const wait = Math.max(...refused.map((decision) => decision.retryAfterSeconds));
		return { allowed: false, decision: { allowed: false, retryAfterSeconds: wait } };
	}
	return {
		allowed: true,
		succeeded: async () => {
			await Promise.all(counters.map((counter) => counter.give()));
		},
	};
}
