/**
 * `npm run test:live:export`: a live session survives a backup and restore
 * into another environment. Two `wrangler dev` servers with their own
 * throwaway state: a session is opened and used on the first, exported from
 * its D1 with the admin command, imported into the fresh second one through
 * its admin API (`sessions import --url`), and then called there by its old id
 * without `initialize`: same id, same client and handshake, and the idle time
 * it had left. A second import changes nothing. Prints `PASS`/`FAIL` per check
 * and `N passed, N failed`; every process it started is stopped by pid.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollD1, queryD1, sqlString } from "../lib/d1.ts";
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../lib/dev-server.ts";
import { openSession, postMcp, toolsCallRequest } from "../lib/mcp-http.ts";
import { runGroup } from "../lib/process-group.ts";
import { PROJECT_ROOT } from "../lib/wrangler.ts";
import { runAdmin } from "./admin-command.ts";
import { type Check, CheckRunner, expect } from "./check-runner.ts";
import { expectToolSuccess } from "./live-assertions.ts";
import { LIVE_CLIENT, MIRROR_TIMEOUT_MS } from "./live-context.ts";

/** Hard limit for the whole run, start-up included (180 seconds). */
const SUITE_DEADLINE_MS = 180_000;

/** Idle timeout of both servers: long enough to outlive the export and import (10 minutes). */
const TIMEOUT_SECONDS = 600;

/** Longest one admin command may run here (60 seconds). */
const ADMIN_TIMEOUT_MS = 60_000;

interface Context {
	readonly source: DevServer;
	readonly target: DevServer;
	readonly workDir: string;
	/** The session opened on `source`, set by the first check. */
	sessionId: string;
	/** When the export ran, epoch ms. */
	exportedAt: number;
}

/** Runs `node scripts/admin/main.ts <args>` and returns its output; throws with it on failure. */
async function admin(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
	const result = await runGroup(process.execPath, ["scripts/admin/main.ts", ...args], {
		cwd: PROJECT_ROOT,
		env: { ...process.env, ...env },
		timeoutMs: ADMIN_TIMEOUT_MS,
	});
	if (result.code !== 0) {
		throw new Error(
			`admin ${args.slice(0, 2).join(" ")} exited ${result.code}: ${result.stderr}${result.stdout}`,
		);
	}
	return result.stdout;
}

const exported: Check<Context> = {
	name: "a live session used on one server is exported from its D1 with its request rows and remaining idle time",
	async run(context) {
		const { source, workDir } = context;
		context.sessionId = await openSession(source.mcpUrl, LIVE_CLIENT);
		const sessionId = context.sessionId;
		expectToolSuccess(
			await postMcp(source.mcpUrl, toolsCallRequest(2, "health_check"), { sessionId }),
			"tools/call on the first server",
		);
		const mirrored = await pollD1(
			source.persistDir,
			`SELECT count(*) AS n FROM archon_mcp_requests WHERE session_id = ${sqlString(sessionId)}`,
			(rows) => Number(rows[0]?.n) === 2,
			MIRROR_TIMEOUT_MS,
		);
		expect(mirrored.accepted, `D1 holds ${mirrored.rows[0]?.n} rows of the session, expected 2`);
		context.exportedAt = Date.now();
		const ndjson = await admin([
			"sessions",
			"export",
			"--status",
			"active",
			"--persist-to",
			source.persistDir,
		]);
		writeFileSync(join(workDir, "sessions.ndjson"), ndjson);
		const lines = ndjson
			.trimEnd()
			.split("\n")
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		const line = lines.find(
			(entry) => (entry.session as Record<string, unknown> | undefined)?.session_id === sessionId,
		);
		expect(line, `the export has no line for the session: ${ndjson.slice(0, 300)}`);
		const live = line.live as { remaining_idle_ms: number } | null;
		expect(
			live !== null && live.remaining_idle_ms > 0,
			`the session is not live in the export: ${JSON.stringify(line.live)}`,
		);
		expect(
			(line.requests as unknown[]).length === 2,
			`the line has ${(line.requests as unknown[]).length} request rows`,
		);
	},
};

const importedLive: Check<Context> = {
	name: "imported into a fresh server through its admin API, the session is called by its old id without initialize: same handshake, remaining idle time, rows in D1",
	async run(context) {
		const { target, workDir, sessionId } = context;
		const email = "restore-admin@example.com";
		await runAdmin(target.persistDir, [
			"user",
			"add",
			"--email",
			email,
			"--name",
			"Restore",
			"--role",
			"admin",
		]);
		const { token } = (await runAdmin(target.persistDir, [
			"token",
			"create",
			"--email",
			email,
			"--name",
			"restore",
		])) as {
			token: string;
		};
		const importedAt = Date.now();
		const output = await admin(
			["sessions", "import", join(workDir, "sessions.ndjson"), "--url", target.origin],
			{
				ARCHON_ADMIN_TOKEN: token,
			},
		);
		expect(/1 live session\(s\) are live again/.test(output), `the import said: ${output}`);
		const result = expectToolSuccess(
			await postMcp(target.mcpUrl, toolsCallRequest(3, "session_info"), { sessionId }),
			"session_info on the fresh server, by the old id",
		);
		const info = (result.structuredContent ?? {}) as Record<string, unknown>;
		expect(info.sessionId === sessionId, `session_info names ${String(info.sessionId)}`);
		expect(
			info.clientName === LIVE_CLIENT.name,
			`the handshake's client is ${String(info.clientName)}`,
		);
		// The idle time left at export counts from the import: no more than the timeout, no less than what was left.
		const expiresAt = Date.parse(String(info.expiresAt));
		const latest = Date.now() + TIMEOUT_SECONDS * 1000;
		const earliest =
			importedAt + TIMEOUT_SECONDS * 1000 - (importedAt - context.exportedAt) - 60_000;
		expect(
			expiresAt <= latest && expiresAt >= earliest,
			`the session expires at ${info.expiresAt}`,
		);
		const rows = await pollD1(
			target.persistDir,
			`SELECT count(*) AS n FROM archon_mcp_requests WHERE session_id = ${sqlString(sessionId)}`,
			(found) => Number(found[0]?.n) === 3,
			MIRROR_TIMEOUT_MS,
		);
		expect(
			rows.accepted,
			`the fresh D1 holds ${rows.rows[0]?.n} rows of the session, expected 2 imported and 1 new`,
		);
		const again = await admin(
			["sessions", "import", join(workDir, "sessions.ndjson"), "--url", target.origin],
			{
				ARCHON_ADMIN_TOKEN: token,
			},
		);
		expect(/Sessions: 0 imported, 1 skipped/.test(again), `the second import said: ${again}`);
		const [session] = await queryD1(
			target.persistDir,
			`SELECT status FROM archon_mcp_sessions WHERE session_id = ${sqlString(sessionId)}`,
		);
		expect(session?.status === "active", `the session row is ${JSON.stringify(session)}`);
	},
};

async function main(): Promise<number> {
	const runner = new CheckRunner<Context>([exported, importedLive]);
	const deadline = setTimeout(() => {
		runner.abort(`deadline of ${SUITE_DEADLINE_MS / 1000} s passed`);
		process.exit(1);
	}, SUITE_DEADLINE_MS);
	const workDir = mkdtempSync(join(tmpdir(), "archon-export-work-"));
	process.once("exit", () => {
		runner.abort("interrupted");
		rmSync(workDir, { recursive: true, force: true });
	});
	const vars = { ...ANONYMOUS_LOOPBACK_VARS, SESSION_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) };
	const [source, target] = await Promise.allSettled([
		DevServer.start({ label: "archon-export-source", vars }),
		DevServer.start({ label: "archon-export-target", vars }),
	]);
	try {
		if (source.status === "rejected" || target.status === "rejected") {
			const reasons = [source, target].flatMap((started) =>
				started.status === "rejected" ? [String(started.reason)] : [],
			);
			runner.abort(`a server did not start: ${reasons.join("; ")}`);
			return 1;
		}
		console.log(
			`source wrangler dev pid ${source.value.pid} on ${source.value.origin}; target pid ${target.value.pid} on ${target.value.origin}`,
		);
		const { failed } = await runner.run({
			source: source.value,
			target: target.value,
			workDir,
			sessionId: "",
			exportedAt: 0,
		});
		if (failed > 0) console.error(`target server log (last lines):\n${target.value.logTail()}`);
		return failed === 0 ? 0 : 1;
	} finally {
		await Promise.all(
			[source, target].map((started) =>
				started.status === "fulfilled" ? started.value.dispose() : undefined,
			),
		);
		rmSync(workDir, { recursive: true, force: true });
		clearTimeout(deadline);
	}
}

process.exitCode = await main();
