/**
 * Reading a conformance run: which server scenarios a requirement set scores
 * and which it only reports (`conformance list --requirements`), and how each
 * scenario went (the `checks.json` the suite writes per scenario).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One check as the suite records it in `checks.json`. */
interface ConformanceCheck {
	readonly id: string;
	readonly status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
	readonly errorMessage?: string;
}

/** The server scenarios of one requirement set. */
export interface RequirementSet {
	/** Scenarios the revision requires: every one must pass. */
	readonly scored: readonly string[];
	/** Scenarios run and reported but never scored, with their kind (`extension`, `pending`, ...). */
	readonly informational: ReadonlyMap<string, string>;
}

/** How one scenario went. */
export interface ScenarioResult {
	readonly scenario: string;
	readonly passed: boolean;
	readonly checks: number;
	readonly failures: readonly string[];
}

/**
 * The server scenarios in the output of `conformance list --server
 * --requirements <revision>`: the "Server scenarios" section is scored; under
 * "Run and reported, but never scored", entries tagged `[server]` are not.
 */
export function parseRequirementSet(listing: string): RequirementSet {
	const scored: string[] = [];
	const informational = new Map<string, string>();
	let section: "none" | "server" | "other" | "unscored" = "none";
	let kind = "";
	for (const line of listing.split("\n")) {
		if (/^Server scenarios/.test(line)) section = "server";
		else if (/^Client scenarios/.test(line)) section = "other";
		else if (/^Run and reported, but never scored/.test(line)) section = "unscored";
		const item = /^\s+- (\S+)(?: \[(\w+)\])?/.exec(line);
		const heading = /^\s{2}([\w-]+) \(\d+\):/.exec(line);
		if (heading?.[1]) kind = heading[1];
		else if (item?.[1] && section === "server") scored.push(item[1]);
		else if (item?.[1] && section === "unscored" && item[2] === "server") {
			informational.set(item[1], kind);
		}
	}
	return { scored, informational };
}

/** The result of every scenario that wrote `checks.json` under `resultsDir`, by scenario name. */
export function readResults(resultsDir: string): Map<string, ScenarioResult> {
	const results = new Map<string, ScenarioResult>();
	for (const entry of readdirSync(resultsDir, { withFileTypes: true })) {
		if (!entry.isDirectory()) continue;
		let checks: ConformanceCheck[];
		try {
			const file = join(resultsDir, entry.name, "checks.json");
			checks = JSON.parse(readFileSync(file, "utf8")) as ConformanceCheck[];
		} catch {
			continue;
		}
		// Directory names are `server-<scenario>-<timestamp>`.
		const scenario = entry.name.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
		const failures = checks
			.filter((check) => check.status === "FAILURE")
			.map((check) => (check.errorMessage ? `${check.id}: ${check.errorMessage}` : check.id));
		results.set(scenario, {
			scenario,
			passed: failures.length === 0,
			checks: checks.length,
			failures,
		});
	}
	return results;
}
