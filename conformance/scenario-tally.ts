/**
 * Reading a conformance run: which scenarios of one side a requirement set
 * scores and which it only reports (`conformance list --requirements`), and
 * how each scenario went (the `checks.json` the suite writes per scenario).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The side under test: the suite's `server` or `client` scenarios. */
export type Role = "server" | "client";

/** The heading of each side's scored scenarios in the listing. */
const SCORED_HEADING: Readonly<Record<Role, RegExp>> = {
	server: /^Server scenarios/,
	client: /^Client scenarios/,
};

/** One check as the suite records it in `checks.json`. */
interface ConformanceCheck {
	readonly id: string;
	readonly status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
	readonly errorMessage?: string;
}

/** The scenarios of one side in one requirement set. */
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
 * The scenarios of `role` in the output of `conformance list --requirements
 * <revision>`: its "Server scenarios" or "Client scenarios" section is
 * scored; under "Run and reported, but never scored", entries tagged with
 * the role (`[server]`, `[client]`) are not.
 */
export function parseRequirementSet(listing: string, role: Role): RequirementSet {
	const scored: string[] = [];
	const informational = new Map<string, string>();
	let section: "none" | "scored" | "other" | "unscored" = "none";
	let kind = "";
	for (const line of listing.split("\n")) {
		if (SCORED_HEADING[role].test(line)) section = "scored";
		else if (/^(Server|Client) scenarios/.test(line)) section = "other";
		else if (/^Run and reported, but never scored/.test(line)) section = "unscored";
		const item = /^\s+- (\S+)(?: \[(\w+)\])?/.exec(line);
		const heading = /^\s{2}([\w-]+) \(\d+\):/.exec(line);
		if (heading?.[1]) kind = heading[1];
		else if (item?.[1] && section === "scored") scored.push(item[1]);
		else if (item?.[1] && section === "unscored" && item[2] === role) {
			informational.set(item[1], kind);
		}
	}
	return { scored, informational };
}

/**
 * The result of every scenario that wrote `checks.json` under `resultsDir`,
 * by scenario name. Directories are `server-<scenario>-<timestamp>` and
 * `<scenario>-<timestamp>`; a scenario name with a slash (`auth/basic-cimd`)
 * is a directory one level down.
 */
export function readResults(resultsDir: string): Map<string, ScenarioResult> {
	const results = new Map<string, ScenarioResult>();
	for (const entry of readdirSync(resultsDir, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile() || entry.name !== "checks.json") continue;
		let checks: ConformanceCheck[];
		try {
			checks = JSON.parse(
				readFileSync(join(entry.parentPath, entry.name), "utf8"),
			) as ConformanceCheck[];
		} catch {
			continue;
		}
		const directory = entry.parentPath.slice(resultsDir.length + 1);
		const scenario = directory.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
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
