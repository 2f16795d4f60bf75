/**
 * The `wrangler d1 execute` command line and the reading of its `--json`
 * output. Pure; `d1.ts` runs it.
 */
import { failure } from "./errors.ts";
import type { Sql } from "./sql.ts";

/** One row as D1 returns it. */
export type D1Row = Readonly<Record<string, unknown>>;

/** Runs one statement and returns its rows (for UPDATE and INSERT, what `RETURNING` lists). */
export type D1Runner = (statement: Sql) => Promise<D1Row[]>;

/** Which database: the local one under `.wrangler/state` (or `persistTo`), or the deployed one. */
export interface D1Target {
	readonly remote: boolean;
	/** Absolute directory of local state, for `--persist-to`; undefined means wrangler's default. */
	readonly persistTo: string | undefined;
}

/** Binding of the database in wrangler.toml. */
const D1_BINDING = "DB";

/** Arguments after `wrangler` that run `statement` against `target` and print JSON. */
export function d1ExecuteArgs(target: D1Target, statement: Sql): string[] {
	const where = target.remote ? ["--remote"] : ["--local"];
	if (!target.remote && target.persistTo !== undefined)
		where.push("--persist-to", target.persistTo);
	return ["d1", "execute", D1_BINDING, ...where, "--json", "--command", statement.text];
}

/**
 * The rows of the last statement in wrangler's JSON output. Throws a failure
 * carrying wrangler's own message when the output is an error or not JSON.
 */
export function readD1Output(stdout: string, stderr: string, exitCode: number): D1Row[] {
	const parsed = parseJson(stdout);
	if (exitCode === 0 && Array.isArray(parsed)) {
		const last: unknown = parsed.at(-1);
		const results = isObject(last) ? last.results : undefined;
		if (Array.isArray(results)) return results.filter(isObject);
	}
	const text = errorText(parsed, stdout, stderr, exitCode);
	// The usual cause on a fresh database or state directory.
	const hint = /no such table/.test(text)
		? " (apply the migrations first: npm run db:migrate:local, or wrangler d1 migrations apply DB with the same --local/--remote/--persist-to)"
		: "";
	throw failure(`D1 failed: ${text}${hint}`);
}

function errorText(parsed: unknown, stdout: string, stderr: string, exitCode: number): string {
	if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.text === "string") {
		return parsed.error.text;
	}
	// Not wrangler's JSON error: keep the tail, where wrangler puts the reason.
	const tail = `${stderr}\n${stdout}`.trim().split("\n").slice(-12).join("\n");
	return tail || `wrangler exited with status ${exitCode} and printed nothing`;
}

function parseJson(stdout: string): unknown {
	// Wrangler may print a banner or warnings before the JSON.
	const start = stdout.search(/^[[{]/m);
	if (start === -1) return undefined;
	try {
		return JSON.parse(stdout.slice(start));
	} catch {
		return undefined;
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
