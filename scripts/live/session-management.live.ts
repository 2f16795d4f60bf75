/**
 * `npm run test:live`: session management against a real `wrangler dev`
 * (issue 4). Starts its own server on a free loopback port with throwaway
 * state and a 10-second idle timeout, runs the checks in order, prints
 * `PASS <name>` / `FAIL <name>: reason` and `N passed, N failed`, and exits
 * non-zero on any failure. Every process it started is stopped by pid, on
 * success, failure, deadline or Ctrl-C.
 *
 * Not a vitest file (vitest picks up `*.test.ts`): these checks need real
 * processes, real time for the alarm and a restart of the server itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../lib/dev-server.ts";
import { CheckRunner } from "./check-runner.ts";
import { clientLibrary } from "./checks/client-library.ts";
import { clientSessionId } from "./checks/client-session-id.ts";
import { d1Integrity } from "./checks/d1-integrity.ts";
import { deleteSessionCheck } from "./checks/delete-session.ts";
import { idleExpiry } from "./checks/idle-expiry.ts";
import { inspectorCli } from "./checks/inspector-cli.ts";
import { restartRecovery } from "./checks/restart-recovery.ts";
import { serverHealthy } from "./checks/server-healthy.ts";
import { sessionCreated } from "./checks/session-created.ts";
import { toolCallTracked } from "./checks/tool-call-tracked.ts";
import { LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "./live-context.ts";

/** Hard limit for the whole suite, start-up included (170 seconds, under the 3 minutes promised). */
const SUITE_DEADLINE_MS = 170_000;

/** The checks, in the order of issue 4. */
const CHECKS = [
	serverHealthy,
	sessionCreated,
	toolCallTracked,
	clientSessionId,
	idleExpiry,
	restartRecovery,
	deleteSessionCheck,
	d1Integrity,
	clientLibrary,
	inspectorCli,
] as const;

async function main(): Promise<number> {
	const runner = new CheckRunner<LiveContext>(CHECKS);
	const deadline = setTimeout(() => {
		runner.abort(`suite deadline of ${SUITE_DEADLINE_MS / 1000} s passed`);
		// The exit handlers of scripts/lib stop the server and delete its state.
		process.exit(1);
	}, SUITE_DEADLINE_MS);
	const workDir = mkdtempSync(join(tmpdir(), "archon-live-work-"));
	// On Ctrl-C or a deadline `finally` does not run; the report still closes and the files go.
	process.once("exit", () => {
		runner.abort("interrupted");
		rmSync(workDir, { recursive: true, force: true });
	});
	let server: DevServer | undefined;
	try {
		try {
			server = await DevServer.start({
				label: "archon-live",
				vars: {
					...ANONYMOUS_LOOPBACK_VARS,
					SESSION_TIMEOUT_SECONDS: String(LIVE_SESSION_TIMEOUT_SECONDS),
					// Per-client timeouts are clamped to this floor (default 60 s).
					MIN_SESSION_TIMEOUT_SECONDS: String(LIVE_SESSION_TIMEOUT_SECONDS),
				},
			});
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			runner.abort(`server did not start: ${reason}`);
			return 1;
		}
		console.log(`wrangler dev pid ${server.pid} on ${server.origin}`);
		const { failed } = await runner.run({ server, workDir });
		if (failed > 0) console.error(`server log (last lines):\n${server.logTail()}`);
		return failed === 0 ? 0 : 1;
	} finally {
		await server?.dispose();
		rmSync(workDir, { recursive: true, force: true });
		clearTimeout(deadline);
	}
}

process.exitCode = await main();
