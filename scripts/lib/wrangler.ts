/**
 * Runs the project's pinned wrangler, offline, the way the npm scripts do:
 * through `scripts/offline-env.sh` (no metrics, no error reports, logs kept in
 * the project) and on the Node that runs this script (wrangler needs Node 22+,
 * npm scripts get Node 24 from the `node` devDependency).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGroup } from "./process-group.ts";

/** The repository root: every wrangler command runs from here so it finds wrangler.toml. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The wrangler entry script of the pinned devDependency. */
const WRANGLER_BIN = "node_modules/wrangler/bin/wrangler.js";

/** Longest a one-shot wrangler command may run (60 seconds). */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * The command line that runs wrangler with `args`: program and arguments for
 * `spawn`, wrapped by the offline environment script.
 */
export function wranglerCommand(args: readonly string[]): [string, string[]] {
	return ["sh", ["scripts/offline-env.sh", process.execPath, WRANGLER_BIN, ...args]];
}

/**
 * Runs a one-shot wrangler command and returns its stdout; rejects with the
 * end of its output on failure. Local D1 commands start workerd, so the
 * command runs in its own process group and a timeout stops all of it.
 */
export async function runWrangler(args: readonly string[]): Promise<string> {
	const [program, programArgs] = wranglerCommand(args);
	const result = await runGroup(program, programArgs, {
		cwd: PROJECT_ROOT,
		timeoutMs: COMMAND_TIMEOUT_MS,
	});
	if (result.code === 0) return result.stdout;
	const detail = `${result.stderr}\n${result.stdout}`.trim().split("\n").slice(-12).join("\n");
	const ending = result.timedOut
		? `timed out after ${COMMAND_TIMEOUT_MS} ms`
		: `exit ${result.code}`;
	throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (${ending}): ${detail}`);
}

/** Applies the D1 migrations in `migrations/` to the local database persisted in `persistDir`. */
export async function applyMigrations(persistDir: string): Promise<void> {
	await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);
}

/** The version of the pinned wrangler, read from its package.json (no process started). */
export function wranglerVersion(): string {
	const manifest = JSON.parse(
		readFileSync(join(PROJECT_ROOT, "node_modules/wrangler/package.json"), "utf8"),
	) as { version: string };
	return manifest.version;
}
