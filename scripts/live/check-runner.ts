/**
 * Runs named checks in order, printing `PASS <name>` or `FAIL <name>: reason`
 * for each and `N passed, N failed` at the end. A failing check never stops
 * the ones after it.
 */

/** One check of the live suite. */
export interface Check<Context> {
	/** Printed after PASS or FAIL; short and stable, so a reader can grep for it. */
	readonly name: string;
	/** Resolves when the check holds; throws (ideally a `CheckFailure`) with the reason when not. */
	readonly run: (context: Context) => Promise<void>;
}

/** Tally of a run. */
export interface CheckTally {
	readonly passed: number;
	readonly failed: number;
}

/** What a run may do around its checks. */
export interface RunHooks<Context> {
	/** Called before each check starts, e.g. to begin work that must not overlap an earlier one. */
	readonly beforeCheck?: (check: Check<Context>) => void;
}

/** A check's expectation did not hold; the message is the reason printed after FAIL. */
export class CheckFailure extends Error {
	override readonly name = "CheckFailure";
}

/**
 * Throws a `CheckFailure` with `reason` unless `condition` holds.
 *
 * @example
 * expect(reply.status === 404, `expected 404, got ${reply.status}`);
 */
export function expect(condition: unknown, reason: string): asserts condition {
	if (!condition) throw new CheckFailure(reason);
}

/**
 * Runs checks in order and keeps the tally, so a deadline can still close
 * the report properly.
 *
 * @example
 * const runner = new CheckRunner(checks);
 * const { failed } = await runner.run(context);
 */
export class CheckRunner<Context> {
	readonly #checks: ReadonlyArray<Check<Context>>;
	#next = 0;
	#passed = 0;
	#failed = 0;
	#finished = false;

	constructor(checks: ReadonlyArray<Check<Context>>) {
		this.#checks = checks;
	}

	/** Runs every check against `context`, prints one line per check, then the tally. */
	async run(context: Context, hooks: RunHooks<Context> = {}): Promise<CheckTally> {
		for (; this.#next < this.#checks.length && !this.#finished; this.#next++) {
			const check = this.#checks[this.#next];
			if (!check) continue;
			try {
				hooks.beforeCheck?.(check);
				await check.run(context);
				if (this.#finished) break;
				this.#passed++;
				console.log(`PASS ${check.name}`);
			} catch (error) {
				if (this.#finished) break;
				this.#failed++;
				console.log(`FAIL ${check.name}: ${reasonOf(error)}`);
			}
		}
		return this.finish();
	}

	/**
	 * Ends the report now: the running check and every check not yet run fail
	 * with `reason`. Used when the suite cannot go on (set-up failed, deadline).
	 */
	abort(reason: string): CheckTally {
		for (; this.#next < this.#checks.length; this.#next++) {
			const check = this.#checks[this.#next];
			this.#failed++;
			console.log(`FAIL ${check?.name}: ${reasonOf(reason)}`);
		}
		return this.finish();
	}

	/** Prints the closing `N passed, N failed` line once and returns the tally. */
	finish(): CheckTally {
		if (!this.#finished) {
			this.#finished = true;
			console.log(`${this.#passed} passed, ${this.#failed} failed`);
		}
		return { passed: this.#passed, failed: this.#failed };
	}
}

/** One line: the reason of a `CheckFailure`, or the message (with its type) of anything else. */
function reasonOf(error: unknown): string {
	const text =
		error instanceof CheckFailure
			? error.message
			: error instanceof Error
				? `${error.name}: ${error.message}`
				: String(error);
	return text.replaceAll(/\s*\n\s*/g, " | ");
}
