/**
 * Runs SQL against the project's D1 database with the pinned wrangler,
 * offline (through `scripts/offline-env.sh`) and on the Node that runs this
 * command (npm scripts get Node 24 from the `node` devDependency; wrangler
 * needs 22 or later).
 */
import { type D1Runner, type D1Target, d1ExecuteArgs, readD1Output } from "./d1-command.ts";
import type { NodeApi } from "./node-api.ts";

/** The wrangler entry script of the pinned devDependency, from the project root. */
const WRANGLER_BIN = "node_modules/wrangler/bin/wrangler.js";

/** Longest one statement may take, wrangler start-up included (60 seconds; a start alone is about 2 s). */
const COMMAND_TIMEOUT_MS = 60_000;

/** Largest output read from wrangler (16 MiB; lists are capped far below this). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * A `D1Runner` for `target`: one `wrangler d1 execute` per statement, run from
 * `projectRoot` so wrangler finds wrangler.toml.
 *
 * @example
 * const d1 = createD1Runner(node, PROJECT_ROOT, { remote: false, persistTo: undefined });
 * const rows = await d1(sql`SELECT count(*) AS n FROM archon_users`);
 */
export function createD1Runner(node: NodeApi, projectRoot: string, target: D1Target): D1Runner {
	return (statement) =>
		new Promise((resolve, reject) => {
			const wrangler = ["scripts/offline-env.sh", node.process.execPath, WRANGLER_BIN];
			node.execFile(
				"sh",
				[...wrangler, ...d1ExecuteArgs(target, statement)],
				{ cwd: projectRoot, timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES },
				(error, stdout, stderr) => {
					try {
						const exitCode = error ? (typeof error.code === "number" ? error.code : 1) : 0;
						// A killed wrangler printed nothing useful; say why it stopped.
						const reason = error?.killed
							? `${stderr}\nwrangler timed out after ${COMMAND_TIMEOUT_MS / 1000} s`
							: stderr;
						resolve(readD1Output(stdout, reason, exitCode));
					} catch (readError) {
						reject(readError);
					}
				},
			);
		});
}
