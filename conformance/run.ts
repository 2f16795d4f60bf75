/**
 * `npm run test:conformance`: the official MCP conformance suite
 * (`@modelcontextprotocol/conformance`, server scenarios) against a real
 * `wrangler dev`. Starts its own server on a free loopback port with
 * throwaway state and the fixtures on (`CONFORMANCE=on`), then runs both
 * requirement sets, `--requirements 2025-11-25` (the session lane) and
 * `--requirements 2026-07-28` (the modern lane), with no expected failures:
 * every scenario a revision requires must pass. Extension and pending
 * scenarios, which the suite runs alongside, are printed as informational.
 * Prints a line per scenario and closes with `N passed, N failed`; exits
 * non-zero on any failure of a required scenario.
 *
 * Extra arguments run the suite once with them instead, e.g.
 * `npm run test:conformance -- --scenario tools-list`.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../scripts/lib/dev-server.ts";
import { runGroup } from "../scripts/lib/process-group.ts";
import { PROJECT_ROOT } from "../scripts/lib/wrangler.ts";
import {
	parseRequirementSet,
	type RequirementSet,
	readResults,
	type ScenarioResult,
} from "./scenario-tally.ts";

/** The suite's CLI in the pinned devDependency. */
const CONFORMANCE_BIN = "node_modules/@modelcontextprotocol/conformance/dist/index.js";

/** The requirement sets this server answers to: the legacy lane's revision and the modern one. */
const REQUIREMENT_SETS = ["2025-11-25", "2026-07-28"] as const;

/** Where the suite writes `checks.json` per scenario; gitignored, replaced on every run. */
const RESULTS_ROOT = join(PROJECT_ROOT, ".wrangler/conformance-results");

/**
 * Worker variables of the server under test: anonymous loopback clients, and
 * the conformance fixtures (`src/mcp/conformance/`), which only this variable turns on.
 */
const SERVER_VARS: Readonly<Record<string, string>> = {
	...ANONYMOUS_LOOPBACK_VARS,
	CONFORMANCE: "on",
};

/** Hard limit for one run of the suite (5 minutes; about 50 scenarios of a few seconds each). */
const SUITE_TIMEOUT_MS = 300_000;

/** Totals over everything printed. */
interface Totals {
	passed: number;
	failed: number;
	infoPassed: number;
	infoFailed: number;
}

async function main(): Promise<number> {
	const server = await DevServer.start({ label: "archon-conformance", vars: SERVER_VARS });
	try {
		console.log(`wrangler dev pid ${server.pid} on ${server.origin}`);
		const extra = process.argv.slice(2);
		if (extra.length > 0) return await runCustom(server.mcpUrl, extra);
		const totals: Totals = { passed: 0, failed: 0, infoPassed: 0, infoFailed: 0 };
		for (const revision of REQUIREMENT_SETS)
			await runRequirementSet(server.mcpUrl, revision, totals);
		console.log(
			`\ninformational (extension, pending): ${totals.infoPassed} passed, ${totals.infoFailed} failed`,
		);
		console.log(`required scenarios, both sets: ${totals.passed} passed, ${totals.failed} failed`);
		console.log(`${totals.passed} passed, ${totals.failed} failed`);
		return totals.failed === 0 ? 0 : 1;
	} finally {
		await server.dispose();
	}
}

/** Runs one requirement set, prints its tally, and adds it to `totals`. */
async function runRequirementSet(url: string, revision: string, totals: Totals): Promise<void> {
	const listing = await suite(["list", "--server", "--requirements", revision]);
	const set = parseRequirementSet(listing.stdout);
	const resultsDir = freshDir(revision);
	console.log(`\n=== requirements ${revision}: ${set.scored.length} required scenarios ===`);
	const run = await suite([
		"server",
		"--url",
		url,
		"--requirements",
		revision,
		"--output-dir",
		resultsDir,
	]);
	if (run.timedOut) console.log(`the suite timed out after ${SUITE_TIMEOUT_MS} ms`);
	const failedBefore = totals.failed;
	printTally(set, readResults(resultsDir), totals);
	if (run.code !== 0 && totals.failed === failedBefore) {
		// The suite failed without a failing check on record (a crash, a timeout): say so, and count it.
		process.stdout.write(run.stdout.slice(-4000));
		process.stderr.write(run.stderr.slice(-4000));
		totals.failed++;
	}
}

/** One line per scenario: required ones first, then the informational ones. */
function printTally(
	set: RequirementSet,
	results: Map<string, ScenarioResult>,
	totals: Totals,
): void {
	for (const scenario of set.scored) {
		const result = results.get(scenario);
		if (result?.passed) totals.passed++;
		else totals.failed++;
		console.log(line(result?.passed ? "PASS" : "FAIL", scenario, result));
	}
	for (const [scenario, kind] of set.informational) {
		const result = results.get(scenario);
		if (result?.passed) totals.infoPassed++;
		else totals.infoFailed++;
		console.log(line(`info ${result?.passed ? "pass" : "fail"}`, `${scenario} (${kind})`, result));
	}
}

function line(verdict: string, name: string, result: ScenarioResult | undefined): string {
	if (!result) return `${verdict.padEnd(9)} ${name}: no result (not run, or the run crashed)`;
	const head = `${verdict.padEnd(9)} ${name} (${result.checks - result.failures.length}/${result.checks} checks)`;
	return [head, ...result.failures.map((failure) => `            ${failure.slice(0, 300)}`)].join(
		"\n",
	);
}

/** Runs the suite once with the caller's arguments and prints its own output. */
async function runCustom(url: string, args: readonly string[]): Promise<number> {
	const resultsDir = freshDir("custom");
	const run = await suite(["server", "--url", url, "--output-dir", resultsDir, ...args]);
	process.stdout.write(run.stdout);
	process.stderr.write(run.stderr);
	return run.code ?? 1;
}

function suite(args: readonly string[]) {
	return runGroup(process.execPath, [CONFORMANCE_BIN, ...args], {
		cwd: PROJECT_ROOT,
		timeoutMs: SUITE_TIMEOUT_MS,
	});
}

function freshDir(name: string): string {
	const dir = join(RESULTS_ROOT, name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	return dir;
}

process.exitCode = await main();
