/**
 * The one error type of the admin command. `main.ts` turns it into a message
 * on stderr and an exit status; anything else is a bug and is printed with
 * its stack.
 */

/** Exit status: 1 when the work failed (D1, the server, a missing user), 2 when the call was wrong. */
export type ExitCode = 1 | 2;

/** A failure to report to the operator, with the exit status it ends the process with. */
export class AdminError extends Error {
	override readonly name = "AdminError";
	/** Process exit status for this failure. */
	readonly exitCode: ExitCode;
	/** Usage text to print after the message (set for wrong calls). */
	readonly usage: string | undefined;

	constructor(message: string, exitCode: ExitCode, usage?: string) {
		super(message);
		this.exitCode = exitCode;
		this.usage = usage;
	}
}

/**
 * A wrong call: unknown command or flag, missing or invalid value. Exit 2.
 *
 * @example
 * throw usageError("--email is required", USER_ADD_USAGE);
 */
export function usageError(message: string, usage?: string): AdminError {
	return new AdminError(message, 2, usage);
}

/**
 * The call was right but the work failed: D1, the server, a user that does not exist. Exit 1.
 *
 * @example
 * throw failure("no user with email alice@example.com");
 */
export function failure(message: string): AdminError {
	return new AdminError(message, 1);
}
