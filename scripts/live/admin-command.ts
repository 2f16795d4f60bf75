/**
 * Runs the project's admin command (`scripts/admin/main.ts`, docs/admin.md)
 * against the local D1 of a `wrangler dev` state directory, the way an
 * operator would, and reads its `--json` output.
 */
import { runGroup } from "../lib/process-group.ts";
import { PROJECT_ROOT } from "../lib/wrangler.ts";

/** The admin command's entry, from the project root. */
const ADMIN_ENTRY = "scripts/admin/main.ts";

/** Longest one admin command may run (60 seconds; each D1 statement starts wrangler, about 2 s). */
const ADMIN_TIMEOUT_MS = 60_000;

/** Characters of the command's output quoted when it fails. */
const MAX_DETAIL_CHARS = 400;

/** Extra environment of one run, e.g. `ARCHON_ADMIN_TOKEN`. */
export type AdminEnv = Readonly<Record<string, string>>;

/**
 * Runs `node scripts/admin/main.ts <args> --persist-to <persistDir> --json` on
 * the Node that runs this script (Node 24 under npm) and returns the parsed
 * JSON it printed; throws with its output when it exits non-zero.
 *
 * @example
 * const { token, id } = (await runAdmin(server.persistDir, [
 *   "token", "create", "--email", "a@example.com", "--name", "live",
 * ])) as { token: string; id: string };
 */
export async function runAdmin(
	persistDir: string,
	args: readonly string[],
	env: AdminEnv = {},
): Promise<unknown> {
	const result = await runGroup(
		process.execPath,
		[ADMIN_ENTRY, ...args, "--persist-to", persistDir, "--json"],
		{ cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeoutMs: ADMIN_TIMEOUT_MS },
	);
	const command = `admin ${args.slice(0, 2).join(" ")}`;
	if (result.code !== 0) {
		const detail = `${result.stderr}\n${result.stdout}`.trim().slice(-MAX_DETAIL_CHARS);
		const ending = result.timedOut
			? `timed out after ${ADMIN_TIMEOUT_MS / 1000} s`
			: `exit ${result.code}`;
		throw new Error(`${command} failed (${ending}): ${detail}`);
	}
	try {
		return JSON.parse(result.stdout) as unknown;
	} catch {
		throw new Error(`${command} printed no JSON: ${result.stdout.slice(0, MAX_DETAIL_CHARS)}`);
	}
}
