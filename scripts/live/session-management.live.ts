/**
 * `npm run test:live`: session management (issue 4), authentication
 * (issue 5) and an agent using the Archon tools (issue 15) against a real
 * `wrangler dev`. Starts its own server on a free
 * loopback port with throwaway state, auth off for loopback clients and a
 * 10-second idle timeout, and, in the background, a second one with auth
 * required and users made by the admin command (scripts/live/auth-server.ts).
 * Runs the checks in order, prints `PASS <name>` / `FAIL <name>: reason` and
 * `N passed, N failed`, and exits non-zero on any failure. Every process it
 * started is stopped by pid, on success, failure, deadline or Ctrl-C.
 *
 * Not a vitest file (vitest picks up `*.test.ts`): these checks need real
 * processes, real time for the alarm and a restart of the server itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../lib/dev-server.ts";
import { AuthServerFixture } from "./auth-server.ts";
import { CheckRunner } from "./check-runner.ts";
import { archonAgent } from "./checks/archon-agent.ts";
import { authChallenge } from "./checks/auth-challenge.ts";
import { clientLibraryLegacy, clientLibraryModern } from "./checks/client-library.ts";
import { clientSessionId } from "./checks/client-session-id.ts";
import { d1Integrity } from "./checks/d1-integrity.ts";
import { deleteSessionCheck } from "./checks/delete-session.ts";
import { grantCommands } from "./checks/grant-commands.ts";
import { idleExpiry } from "./checks/idle-expiry.ts";
import { inspectorCli } from "./checks/inspector-cli.ts";
import { legacyElicitation } from "./checks/legacy-elicitation.ts";
import { modernClient } from "./checks/modern-client.ts";
import { restartRecovery } from "./checks/restart-recovery.ts";
import { serverHealthy } from "./checks/server-healthy.ts";
import { sessionCreated } from "./checks/session-created.ts";
import { sessionHijack } from "./checks/session-hijack.ts";
import { tokenRevocation } from "./checks/token-revocation.ts";
import { toolCallTracked } from "./checks/tool-call-tracked.ts";
import { LIVE_SESSION_TIMEOUT_SECONDS, type LiveContext } from "./live-context.ts";

/** Hard limit for the whole suite, start-up included (240 seconds). */
const SUITE_DEADLINE_MS = 240_000;

/**
 * The checks, in the order of issue 4, then the two eras of issue 9, then those
 * of issue 5 (on the auth server), then issue 15's agent (on the auth server, as two users).
 */
const CHECKS = [
	serverHealthy,
	sessionCreated,
	toolCallTracked,
	clientSessionId,
	idleExpiry,
	restartRecovery,
	deleteSessionCheck,
	d1Integrity,
	clientLibraryLegacy,
	clientLibraryModern,
	inspectorCli,
	modernClient,
	legacyElicitation,
	authChallenge,
	sessionHijack,
	tokenRevocation,
	grantCommands,
	archonAgent,
] as const;

/**
 * The check before which the auth server starts, in the background. Its start
 * and seven admin commands take tens of seconds, which the checks from here to
 * the auth checks hide; started earlier, on a two-core machine the load slows
 * the restart check's restart past the 10 s idle timeout.
 */
const AUTH_SERVER_STARTS_BEFORE = deleteSessionCheck;

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
	const auth = new AuthServerFixture();
	try {
		try {
			server = await DevServer.start({
				label: "archon-live",
				vars: {
					...ANONYMOUS_LOOPBACK_VARS,
					// The conformance fixtures bring the elicitation tool the two era checks call.
					CONFORMANCE: "on",
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
		const { failed } = await runner.run(
			{ server, auth, workDir },
			{
				beforeCheck: (check) => {
					if (check === AUTH_SERVER_STARTS_BEFORE) auth.start();
				},
			},
		);
		if (failed > 0) console.error(`server log (last lines):\n${server.logTail()}`);
		return failed === 0 ? 0 : 1;
	} finally {
		await Promise.all([server?.dispose(), auth.dispose()]);
		rmSync(workDir, { recursive: true, force: true });
		clearTimeout(deadline);
	}
}

process.exitCode = await main();
