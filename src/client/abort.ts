/**
 * Waiting that an `AbortSignal` can cut short: the backoff sleep and racing a
 * shared promise (one handshake, many callers) against one caller's signal.
 */

/** Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts. */
export type SleepFunction = (ms: number, signal: AbortSignal) => Promise<void>;

/** The default `SleepFunction`, built on `setTimeout`. */
export const sleep: SleepFunction = (ms, signal) =>
	new Promise((resolve, reject) => {
		if (signal.aborted) {
			reject(signal.reason);
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal.addEventListener("abort", onAbort, { once: true });
	});

/**
 * Settles like `promise`, or rejects with the signal's reason once `signal`
 * aborts, whichever comes first. `promise` itself keeps running.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener("abort", onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener("abort", onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener("abort", onAbort);
				reject(error);
			},
		);
	});
}

/** A signal that follows `parent` until `unlink()` is called, and never aborts after that. */
export interface LinkedSignal {
	readonly signal: AbortSignal;
	unlink(): void;
}

/**
 * Follows `parent` only while a request is in flight. The SDK never removes
 * its abort listener from a request's signal, so a signal that aborts after
 * the request finished (an operation deadline, say) would make it send a
 * stray `notifications/cancelled` for a request that already completed.
 */
export function linkSignal(parent: AbortSignal): LinkedSignal {
	const controller = new AbortController();
	const onAbort = () => controller.abort(parent.reason);
	if (parent.aborted) onAbort();
	else parent.addEventListener("abort", onAbort, { once: true });
	return {
		signal: controller.signal,
		unlink: () => parent.removeEventListener("abort", onAbort),
	};
}
