/**
 * Reads the local D1 database of a `wrangler dev` state directory with
 * `wrangler d1 execute --local`, which works while the server runs.
 */
import { delay } from "./process-group.ts";
import { runWrangler } from "./wrangler.ts";

/** One row as D1 returns it. */
export type D1Row = Record<string, unknown>;

/** Interval between polls in `pollD1` (500 ms; one query costs a wrangler start, about 2 s). */
const POLL_INTERVAL_MS = 500;

/** Runs one SQL statement against the local D1 in `persistDir` and returns its rows. */
export async function queryD1(persistDir: string, sql: string): Promise<D1Row[]> {
	const stdout = await runWrangler([
		"d1",
		"execute",
		"DB",
		"--local",
		"--persist-to",
		persistDir,
		"--json",
		"--command",
		sql,
	]);
	const parsed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ results?: D1Row[] }>;
	return parsed[0]?.results ?? [];
}

/**
 * Runs `sql` until `accept` returns true for its rows or the deadline passes;
 * the D1 mirror is written in the background after each response.
 * Returns the last rows read and whether they were accepted.
 */
export async function pollD1(
	persistDir: string,
	sql: string,
	accept: (rows: D1Row[]) => boolean,
	timeoutMs: number,
): Promise<{ rows: D1Row[]; accepted: boolean }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = await queryD1(persistDir, sql);
		if (accept(rows)) return { rows, accepted: true };
		if (Date.now() >= deadline) return { rows, accepted: false };
		await delay(POLL_INTERVAL_MS);
	}
}

/** Quotes a value as an SQL string literal (ids come from the server, but quote them anyway). */
export function sqlString(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}
