/**
 * Running the official suite (`@modelcontextprotocol/conformance`) per
 * requirement set, for either side: the server scenarios against a running
 * Worker (`run.ts`) or the client scenarios against the client driver
 * (`client-run.ts`). No baseline of expected failures: every scenario a
 * revision requires must pass. Extension, pending and added-after-release
 * scenarios, which the suite runs alongside, are printed as informational
 * and never fail the run.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runGroup } from "../scripts/lib/process-group.ts";
import { PROJECT_ROOT } from "../scripts/lib/wrangler.ts";
import {
	parseRequirementSet,
	type RequirementSet,
	type Role,
	readResults,
	type ScenarioResult,
} from "./scenario-tally.ts";

/** The suite's CLI in the pinned devDependency. */
const CONFORMANCE_BIN = "node_modules/@modelcontextprotocol/conformance/dist/index.js";

/** The requirement sets Archon answers to: the session lane's revision and the modern one. */
export const REQUIREMENT_SETS = ["2025-11-25", "2026-07-28"] as const;

/** Where the suite writes `checks.json` per scenario; gitignored, replaced on every run. */
const RESULTS_ROOT = join(PROJECT_ROOT, ".wrangler/conformance-results");

/** Hard limit for one run of the suite (5 minutes; about 50 scenarios of a few seconds each). */
const SUITE_TIMEOUT_MS = 300_000;

/** Totals over everything printed. */
export interface Totals {
	passed: number;
	failed: number;
	infoPassed: number;
	infoFailed: number;
}

/** What to test: `["--url", url]` for the server side, `["--command", command]` for the client. */
export interface Target {
	readonly role: Role;
	readonly args: readonly string[];
}

/** Runs every requirement set against `target`, prints a line per scenario; 0 when all required passed. */
export async function runRequirementSets(target: Target): Promise<number> {
	const totals: Totals = { passed: 0, failed: 0, infoPassed: 0, infoFailed: 0 };
	for (const revision of REQUIREMENT_SETS) await runRequirementSet(target, revision, totals);
	console.log(
		`\ninformational (extension, pending, added after release): ${totals.infoPassed} passed, ${totals.infoFailed} failed`,
	);
	console.log(
		`required ${target.role} scenarios, both sets: ${totals.passed} passed, ${totals.failed} failed`,
	);
	console.log(`${totals.passed} passed, ${totals.failed} failed`);
	return totals.failed === 0 ? 0 : 1;
}

/** Runs one requirement set, prints its tally, and adds it to `totals`. */
async function runRequirementSet(target: Target, revision: string, totals: Totals): Promise<void> {
	const listing = await suite(["list", `--${target.role}`, "--requirements", revision]);
	const set = parseRequirementSet(listing.stdout, target.role);
	const resultsDir = freshDir(`${target.role}-${revision}`);
	console.log(`\n=== requirements ${revision}: ${set.scored.length} required scenarios ===`);
	const run = await suite([
		target.role,
		...target.args,
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
export async function runCustom(target: Target, args: readonly string[]): Promise<number> {
	const resultsDir = freshDir(`${target.role}-custom`);
	const run = await suite([target.role, ...target.args, "--output-dir", resultsDir, ...args]);
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
