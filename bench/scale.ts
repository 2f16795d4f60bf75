/**
 * `npm run bench:scale`: creates many sessions (10 000 unless told), leaves
 * them idle, and reports the wall time, the resident memory of the
 * `wrangler dev` process tree (before, sampled peak, after creation, after
 * the idle wait), and the session rows in D1, which must number the sessions
 * created (issue 13, "Scale"). Bounded: creation stops at its share of the
 * deadline and the report says how far it got. See bench/README.md.
 */
import { pollD1 } from "../scripts/lib/d1.ts";
import type { DevServer } from "../scripts/lib/dev-server.ts";
import { type ClientInfo, openSession } from "../scripts/lib/mcp-http.ts";
import { delay } from "../scripts/lib/process-group.ts";
import { startDeadline } from "./deadline.ts";
import { describeMachine, formatMachine, loadAverage } from "./machine.ts";
import { parseScaleOptions, SCALE_USAGE, type ScaleOptions } from "./options.ts";
import { mebibytes, PeakRss } from "./process-memory.ts";
import { writeResults } from "./results-file.ts";
import { startServers, stopServers } from "./servers.ts";

/** Interval between memory samples (500 ms). */
const RSS_SAMPLE_MS = 500;

/** Longest wait for the D1 mirror to hold every session row (90 seconds). */
const D1_WAIT_MS = 90_000;

/** Time kept back from the deadline for the idle wait's end, the D1 count and shutdown (150 seconds). */
const RESERVE_MS = 150_000;

const CLIENT: ClientInfo = { name: "archon-bench-scale", version: "1.0.0" };

/** What creating the sessions did. */
interface Creation {
	readonly created: number;
	readonly failed: number;
	readonly firstError: string | undefined;
	readonly wallMs: number;
	/** True when creation stopped at its share of the deadline. */
	readonly stoppedAtBudget: boolean;
}

async function main(options: ScaleOptions): Promise<number> {
	const budgetMs = creationBudgetMs(options);
	const stopDeadline = startDeadline("bench:scale", options.deadlineSeconds);
	const startedAt = new Date();
	const machine = describeMachine();
	const loadBefore = loadAverage();
	console.log(`Machine\n${formatMachine(machine)}\n- load average (1 min) before: ${loadBefore}\n`);

	const servers = await startServers(new Set(["project"] as const));
	const server = servers.get("project");
	try {
		if (server?.pid === undefined) throw new Error("The project server did not start");
		console.log(`wrangler dev pid ${server.pid} on ${server.origin}`);
		const rss = new PeakRss(server.pid, RSS_SAMPLE_MS);
		const beforeBytes = rss.sample();
		console.log(
			`creating ${options.sessions} sessions, ${options.concurrency} handshakes in flight ...`,
		);
		const creation = await createSessions(server, options, Date.now() + budgetMs);
		const afterCreationBytes = rss.sample();
		console.log(
			`created ${creation.created} of ${options.sessions} in ${(creation.wallMs / 1000).toFixed(1)} s, ${creation.failed} failed; idle for ${options.idleSeconds} s ...`,
		);
		await delay(options.idleSeconds * 1000);
		const afterIdleBytes = rss.sample();
		rss.stop();
		const rows = await countSessionRows(server, creation.created);
		const loadAfter = loadAverage();

		const rate = creation.wallMs > 0 ? (creation.created / creation.wallMs) * 1000 : 0;
		console.log(
			[
				"",
				`| sessions asked | created | failed | wall s | sessions/s | RSS before MiB | peak RSS MiB | RSS after creation MiB | RSS after ${options.idleSeconds} s idle MiB | D1 rows | D1 active |`,
				"| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
				`| ${options.sessions} | ${creation.created} | ${creation.failed} | ${(creation.wallMs / 1000).toFixed(1)} | ${rate.toFixed(0)} | ${mebibytes(beforeBytes)} | ${mebibytes(rss.peakBytes)} | ${mebibytes(afterCreationBytes)} | ${mebibytes(afterIdleBytes)} | ${rows.total} | ${rows.active} |`,
				"",
				`RSS is the sum over the wrangler dev process tree (/proc VmRSS), peak sampled every ${RSS_SAMPLE_MS} ms.`,
				`load average (1 min) after: ${loadAfter}`,
			].join("\n"),
		);
		const path = writeResults("scale", startedAt, {
			machine,
			loadAverage: { before: loadBefore, after: loadAfter },
			options,
			creation,
			rssBytes: {
				before: beforeBytes,
				peak: rss.peakBytes,
				afterCreation: afterCreationBytes,
				afterIdle: afterIdleBytes,
				sampleIntervalMs: RSS_SAMPLE_MS,
			},
			d1: rows,
		});
		console.log(`raw results: ${path}`);

		const problems = [
			creation.stoppedAtBudget &&
				`creation stopped at its time budget after ${creation.created} sessions`,
			creation.failed > 0 && `${creation.failed} handshakes failed, first: ${creation.firstError}`,
			rows.total !== creation.created &&
				`D1 holds ${rows.total} session rows for ${creation.created} sessions`,
		].filter((problem) => typeof problem === "string");
		for (const problem of problems) console.error(`bench:scale: ${problem}`);
		return problems.length > 0 ? 1 : 0;
	} finally {
		await stopServers(servers);
		stopDeadline();
	}
}

/** The share of the deadline that creating sessions may take; throws when there is none. */
function creationBudgetMs(options: ScaleOptions): number {
	const budgetMs = (options.deadlineSeconds - options.idleSeconds) * 1000 - RESERVE_MS;
	if (budgetMs <= 0) {
		throw new Error(
			`--deadline-seconds ${options.deadlineSeconds} leaves no time to create sessions: allow more than --idle-seconds plus ${RESERVE_MS / 1000} s`,
		);
	}
	return budgetMs;
}

/** Opens sessions with `concurrency` handshakes in flight until enough exist or `stopAt` passes. */
async function createSessions(
	server: DevServer,
	options: ScaleOptions,
	stopAt: number,
): Promise<Creation> {
	let started = 0;
	let created = 0;
	let failed = 0;
	let firstError: string | undefined;
	let stoppedAtBudget = false;
	const t0 = performance.now();
	const worker = async () => {
		while (started < options.sessions) {
			if (Date.now() >= stopAt) {
				stoppedAtBudget = true;
				return;
			}
			started++;
			try {
				await openSession(server.mcpUrl, CLIENT);
				created++;
			} catch (error) {
				failed++;
				firstError ??= error instanceof Error ? error.message : String(error);
			}
		}
	};
	await Promise.all(Array.from({ length: options.concurrency }, worker));
	return { created, failed, firstError, wallMs: performance.now() - t0, stoppedAtBudget };
}

/** Session rows in D1, polled until they number `expected` (the mirror writes in the background). */
async function countSessionRows(
	server: DevServer,
	expected: number,
): Promise<{ total: number; active: number }> {
	const { rows } = await pollD1(
		server.persistDir,
		"SELECT COUNT(*) AS total, COALESCE(SUM(status = 'active'), 0) AS active FROM archon_mcp_sessions",
		([row]) => Number(row?.total) === expected,
		D1_WAIT_MS,
	);
	return { total: Number(rows[0]?.total ?? 0), active: Number(rows[0]?.active ?? 0) };
}

/** The options asked for; undefined after `--help` or a usage error (exit code 2). */
function readCommandLine(): ScaleOptions | undefined {
	try {
		const options = parseScaleOptions(process.argv.slice(2));
		if (options) creationBudgetMs(options);
		return options;
	} catch (error) {
		console.error(
			`bench:scale: ${error instanceof Error ? error.message : error}\n\n${SCALE_USAGE}`,
		);
		process.exitCode = 2;
		return undefined;
	}
}

const options = readCommandLine();
if (options) process.exitCode = await main(options);
