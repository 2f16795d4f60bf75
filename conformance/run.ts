/**
 * `npm run test:conformance`: the official MCP conformance suite
 * (`@modelcontextprotocol/conformance`, server scenarios) against a real
 * `wrangler dev` (issue 4). Starts its own server on a free loopback port
 * with throwaway state and the fixtures on (`CONFORMANCE=on`), runs the active suite with the baseline in
 * `expected-failures.yml`, prints a per-scenario tally, and exits with the
 * suite's status: non-zero on a failure not in the baseline, or on a
 * baseline entry that now passes. Extra arguments go to the suite, e.g.
 * `npm run test:conformance -- --scenario tools-list`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../scripts/lib/dev-server.ts";
import { runGroup } from "../scripts/lib/process-group.ts";
import { PROJECT_ROOT } from "../scripts/lib/wrangler.ts";

/** The suite's CLI in the pinned devDependency. */
const CONFORMANCE_BIN = "node_modules/@modelcontextprotocol/conformance/dist/index.js";

/** Known failures, one scenario per line with its reason. */
const BASELINE = "conformance/expected-failures.yml";

/** Where the suite writes `checks.json` per scenario; gitignored, replaced on every run. */
const RESULTS_DIR = join(PROJECT_ROOT, ".wrangler/conformance-results");

/**
 * Worker variables of the server under test: anonymous loopback clients, and
 * the conformance fixtures (`src/mcp/conformance/`), which only this variable turns on.
 */
const SERVER_VARS: Readonly<Record<string, string>> = {
	...ANONYMOUS_LOOPBACK_VARS,
	CONFORMANCE: "on",
};

/** Hard limit for the suite itself (150 seconds; about 30 scenarios of a few seconds each). */
const SUITE_TIMEOUT_MS = 150_000;

/** One check as the suite records it in `checks.json`. */
interface ConformanceCheck {
	readonly id: string;
	readonly status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
	readonly errorMessage?: string;
}

async function main(): Promise<number> {
	const server = await DevServer.start({
		label: "archon-conformance",
		vars: SERVER_VARS,
	});
	try {
		console.log(`wrangler dev pid ${server.pid} on ${server.origin}`);
		rmSync(RESULTS_DIR, { recursive: true, force: true });
		mkdirSync(RESULTS_DIR, { recursive: true });
		const result = await runGroup(
			process.execPath,
			[
				CONFORMANCE_BIN,
				"server",
				"--url",
				server.mcpUrl,
				"--expected-failures",
				BASELINE,
				"--output-dir",
				RESULTS_DIR,
				...process.argv.slice(2),
			],
			{ cwd: PROJECT_ROOT, timeoutMs: SUITE_TIMEOUT_MS },
		);
		process.stdout.write(result.stdout);
		process.stderr.write(result.stderr);
		printTally();
		if (result.timedOut) console.log(`conformance suite timed out after ${SUITE_TIMEOUT_MS} ms`);
		return result.code ?? 1;
	} finally {
		await server.dispose();
	}
}

/** Scenarios passed / failed, read from the suite's `checks.json` files. */
function printTally(): void {
	const failed: string[] = [];
	let passed = 0;
	for (const entry of readdirSync(RESULTS_DIR, { withFileTypes: true })) {
		if (!entry.isDirectory()) continue;
		let checks: ConformanceCheck[];
		try {
			checks = JSON.parse(
				readFileSync(join(RESULTS_DIR, entry.name, "checks.json"), "utf8"),
			) as ConformanceCheck[];
		} catch {
			continue;
		}
		// Directory names are `server-<scenario>-<timestamp>`.
		const scenario = entry.name.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
		const failures = checks.filter((check) => check.status === "FAILURE");
		if (failures.length === 0) passed++;
		else failed.push(`${scenario} (${failures.map((check) => check.id).join(", ")})`);
	}
	console.log(`\nconformance: ${passed} scenarios passed, ${failed.length} failed`);
	for (const line of failed) console.log(`  failed: ${line}`);
	console.log(`results: ${RESULTS_DIR}`);
}

process.exitCode = await main();
