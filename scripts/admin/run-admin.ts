/**
 * One run of the admin command, from arguments to exit status, with all I/O
 * passed in: `main.ts` wires it to Node, tests to an in-memory output and the
 * test D1.
 */
import { commandUsage, parseArgs, usageText } from "./args.ts";
import { type AdminContext, GLOBAL_FLAGS } from "./command-types.ts";
import { COMMANDS } from "./commands.ts";
import type { D1Target } from "./d1-command.ts";
import { AdminError, usageError } from "./errors.ts";

/** Where output goes. */
export interface AdminOutput {
	/** Results (text or JSON). */
	readonly out: (text: string) => void;
	/** Errors and usage after an error. */
	readonly err: (text: string) => void;
}

/**
 * Runs the command in `argv` and returns the exit status: 0 done, 1 failed,
 * 2 wrong call. Errors other than `AdminError` are bugs and are rethrown.
 *
 * @example
 * process.exitCode = await runAdmin(process.argv.slice(2), makeContext, output);
 */
export async function runAdmin(
	argv: readonly string[],
	makeContext: (target: D1Target) => AdminContext,
	output: AdminOutput,
): Promise<number> {
	const specs = COMMANDS.map((command) => command.spec);
	try {
		const parsed = parseArgs(argv, specs, GLOBAL_FLAGS);
		if (parsed.kind === "help") {
			output.out(
				parsed.spec ? commandUsage(parsed.spec, GLOBAL_FLAGS) : usageText(specs, GLOBAL_FLAGS),
			);
			return 0;
		}
		const { spec, flags } = parsed.call;
		if (flags.has("remote") && flags.has("persist-to")) {
			throw usageError(
				"--persist-to is for the local database; drop it with --remote",
				commandUsage(spec, GLOBAL_FLAGS),
			);
		}
		const command = COMMANDS.find((candidate) => candidate.spec === spec);
		if (!command) throw new Error(`no handler for "${spec.name}"`);
		const context = makeContext({
			remote: flags.has("remote"),
			persistTo: flags.get("persist-to"),
		});
		const result = await command.run(flags, context);
		if (!result.streamed) {
			output.out(flags.has("json") ? JSON.stringify(result.json, null, 2) : result.text.join("\n"));
		}
		return 0;
	} catch (error) {
		if (!(error instanceof AdminError)) throw error;
		output.err(`admin: ${error.message}`);
		if (error.usage !== undefined) output.err(`\n${error.usage}`);
		return error.exitCode;
	}
}
