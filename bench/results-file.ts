/**
 * Raw benchmark results as JSON in `.bench-results/` (gitignored), one file
 * per run, named for the script and the time it started.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../scripts/lib/wrangler.ts";

/** Where results go, at the project root. */
const RESULTS_DIR = join(PROJECT_ROOT, ".bench-results");

/**
 * Writes `results` to `.bench-results/<script>-<start time>.json`, after the
 * start time and the commit measured, and returns the path.
 */
export function writeResults(
	script: string,
	startedAt: Date,
	results: Readonly<Record<string, unknown>>,
): string {
	mkdirSync(RESULTS_DIR, { recursive: true });
	const stamp = startedAt
		.toISOString()
		.replaceAll(":", "-")
		.replace(/\.\d+Z$/, "Z");
	const path = join(RESULTS_DIR, `${script}-${stamp}.json`);
	const document = { startedAt: startedAt.toISOString(), revision: gitRevision(), ...results };
	writeFileSync(path, `${JSON.stringify(document, null, "\t")}\n`);
	return path;
}

/** The commit measured, with `-dirty` when the work tree has changes; `unknown` outside git. */
function gitRevision(): string {
	try {
		const git = (...args: string[]) =>
			execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
		const commit = git("rev-parse", "--short", "HEAD");
		return git("status", "--porcelain") === "" ? commit : `${commit}-dirty`;
	} catch {
		return "unknown";
	}
}
