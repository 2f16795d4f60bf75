/**
 * `npm run bench:scale`: creates many sessions (10 000 unless told), leaves
 * them idle, and reports the wall time, the memory of the server (the JS
 * heap used by the Worker's isolate after a forced GC, read through
 * wrangler's inspector, and the resident memory of the `wrangler dev`
 * process tree) before creation, after it, every few seconds of the idle
 * wait and after expiry, and the session rows in D1, which must number the
 * sessions created (issue 13, "Scale"). Then it waits past the server's idle
 * timeout (`--timeout-seconds`) and counts the rows marked expired, which
 * must number the sessions too, with the CPU time the server's processes
 * spent meanwhile. Bounded: creation stops at its share of the deadline and
 * the report says how far it got. See bench/README.md.
 */
import { pollD1 } from "../scripts/lib/d1.ts";
import type { DevServer } from "../scripts/lib/dev-server.ts";
import { type ClientInfo, openSession } from "../scripts/lib/mcp-http.ts";
import { delay } from "../scripts/lib/process-group.ts";
import { startDeadline } from "./deadline.ts";
import { heapUsedBytes } from "./devtools.ts";
import { describeMachine, formatMachine, loadAverage } from "./machine.ts";
import { parseScaleOptions, SCALE_USAGE, type ScaleOptions } from "./options.ts";
import { mebibytes, PeakRss, treeCpuSeconds } from "./process-memory.ts";
import { writeResults } from "./results-file.ts";
import { startServers, stopServers } from "./servers.ts";

/** Interval between memory samples (500 ms). */
const RSS_SAMPLE_MS = 500;

/** Interval between memory readings during the idle wait (5 seconds): idle objects leave the heap about 10 s after their last event. */
const IDLE_SAMPLE_MS = 5_000;

/** Longest wait for the D1 mirror to hold every session row (90 seconds). */
const D1_WAIT_MS = 90_000;

/** Time kept back from the deadline for the idle wait's end, the D1 count and shutdown (150 seconds). */
const RESERVE_MS = 150_000;

/** Longest wait, past the last session's idle deadline, for D1 to show every session expired (120 seconds). */
const EXPIRY_WAIT_MS = 120_000;

const CLIENT: ClientInfo = { name: "archon-bench-scale", version: "1.0.0" };

/** What creating the sessions did. */
interface Creation {
	readonly created: number;
	readonly failed: number;
	readonly firstError: string | undefined;
	readonly wallMs: number;
	/** True when creation stopped at its share of the deadline. */
	readonly stoppedAtBudget: boolean;
	/** Epoch ms when the last handshake finished: every idle deadline is at most the timeout after it. */
	readonly endedAt: number;
}

/** What the idle expiry of the sessions did, from the end of the idle wait. */
interface Expiry {
	/** Rows marked expired when the phase began (sessions created first may expire during a long creation). */
	readonly expiredBefore: number;
	/** Rows marked expired at the end: must equal the sessions created. */
	readonly expired: number;
	/** Milliseconds from the last session's idle deadline until D1 showed every session expired (or the wait ended). */
	readonly lagMs: number;
	/** CPU seconds of the `wrangler dev` tree over the phase. */
	readonly cpuSeconds: number;
	/** Memory once every session expired. */
	readonly memoryAfter: Memory;
}

/** The server's memory at one point of the run. */
interface Memory {
	/** JS heap used by the Worker's isolate (and the session objects in it) after a full GC; undefined when the inspector did not answer. */
	readonly heapBytes: number | undefined;
	/** Resident bytes of the `wrangler dev` process tree. */
	readonly rssBytes: number;
}

/** A memory reading during the idle wait. */
interface IdleMemory extends Memory {
	/** Seconds since the last handshake. */
	readonly idleSeconds: number;
}

async function main(options: ScaleOptions): Promise<number> {
	const budgetMs = creationBudgetMs(options);
	const stopDeadline = startDeadline("bench:scale", options.deadlineSeconds);
	const startedAt = new Date();
	const machine = describeMachine();
	const loadBefore = loadAverage();
	console.log(`Machine\n${formatMachine(machine)}\n- load average (1 min) before: ${loadBefore}\n`);

	// Every session stays unused (a handshake only), so the unused timeout is the one that applies.
	const timeout = String(options.timeoutSeconds);
	const servers = await startServers(new Set(["project"] as const), {
		SESSION_TIMEOUT_SECONDS: timeout,
		SESSION_UNUSED_TIMEOUT_SECONDS: timeout,
	});
	const server = servers.get("project");
	try {
		if (server?.pid === undefined) throw new Error("The project server did not start");
		console.log(`wrangler dev pid ${server.pid} on ${server.origin}`);
		const rss = new PeakRss(server.pid, RSS_SAMPLE_MS);
		const memory = memoryReader(server, rss);
		const before = await memory();
		console.log(
			`creating ${options.sessions} sessions, ${options.concurrency} handshakes in flight ...`,
		);
		const creation = await createSessions(server, options, Date.now() + budgetMs);
		const afterCreation = await memory();
		console.log(
			`created ${creation.created} of ${options.sessions} in ${(creation.wallMs / 1000).toFixed(1)} s, ${creation.failed} failed; idle for ${options.idleSeconds} s ...`,
		);
		const idle = await idleWait(creation.endedAt, options.idleSeconds, memory);
		const afterIdle = idle.at(-1) ?? afterCreation;
		const rows = await countSessionRows(server, creation.created);
		console.log(
			`${rows.total} session rows in D1; waiting past the ${options.timeoutSeconds} s idle timeout ...`,
		);
		const expiry = await expireSessions(server, options, creation, memory);
		rss.stop();
		const loadAfter = loadAverage();

		const rate = creation.wallMs > 0 ? (creation.created / creation.wallMs) * 1000 : 0;
		console.log(
			[
				"",
				`| sessions asked | created | failed | wall s | sessions/s | D1 rows | D1 active |`,
				"| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
				`| ${options.sessions} | ${creation.created} | ${creation.failed} | ${(creation.wallMs / 1000).toFixed(1)} | ${rate.toFixed(0)} | ${rows.total} | ${rows.active} |`,
				"",
				"| memory | JS heap used MiB | RSS MiB |",
				"| --- | ---: | ---: |",
				memoryRow("before creation", before),
				`| peak (sampled) | | ${mebibytes(rss.peakBytes)} |`,
				memoryRow("after creation", afterCreation),
				...idle.map((reading) => memoryRow(`${reading.idleSeconds} s idle`, reading)),
				memoryRow("after expiry", expiry.memoryAfter),
				"",
				`| timeout s | expired before the wait | expired | lag after the last deadline s | CPU s (tree) | CPU ms per session expired in the wait |`,
				"| ---: | ---: | ---: | ---: | ---: | ---: |",
				`| ${options.timeoutSeconds} | ${expiry.expiredBefore} | ${expiry.expired} | ${(expiry.lagMs / 1000).toFixed(1)} | ${expiry.cpuSeconds.toFixed(1)} | ${cpuPerExpired(expiry)} |`,
				"",
				"JS heap used is the Worker's isolate, which under wrangler dev holds the session objects too, after a forced GC (DevTools HeapProfiler.collectGarbage, Runtime.getHeapUsage); idle times count from the last handshake.",
				`RSS is the sum over the wrangler dev process tree (/proc VmRSS), peak sampled every ${RSS_SAMPLE_MS} ms; CPU is its user + system time (/proc stat).`,
				`load average (1 min) after: ${loadAfter}`,
			].join("\n"),
		);
		const path = writeResults("scale", startedAt, {
			machine,
			loadAverage: { before: loadBefore, after: loadAfter },
			options,
			creation,
			memory: {
				before,
				afterCreation,
				idle,
				afterIdle,
				afterExpiry: expiry.memoryAfter,
				peakRssBytes: rss.peakBytes,
				rssSampleIntervalMs: RSS_SAMPLE_MS,
			},
			d1: rows,
			expiry,
		});
		console.log(`raw results: ${path}`);

		const problems = [
			creation.stoppedAtBudget &&
				`creation stopped at its time budget after ${creation.created} sessions`,
			creation.failed > 0 && `${creation.failed} handshakes failed, first: ${creation.firstError}`,
			rows.total !== creation.created &&
				`D1 holds ${rows.total} session rows for ${creation.created} sessions`,
			expiry.expired !== creation.created &&
				`D1 shows ${expiry.expired} sessions expired of ${creation.created}`,
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
	const waitsSeconds = options.idleSeconds + options.timeoutSeconds;
	const budgetMs = (options.deadlineSeconds - waitsSeconds) * 1000 - RESERVE_MS - EXPIRY_WAIT_MS;
	if (budgetMs <= 0) {
		throw new Error(
			`--deadline-seconds ${options.deadlineSeconds} leaves no time to create sessions: allow more than --idle-seconds plus --timeout-seconds plus ${(RESERVE_MS + EXPIRY_WAIT_MS) / 1000} s`,
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
	const wallMs = performance.now() - t0;
	return { created, failed, firstError, wallMs, stoppedAtBudget, endedAt: Date.now() };
}

/**
 * Waits past the last session's idle deadline, then until D1 shows every
 * session expired (each object's own alarm ends it: nothing sweeps the
 * others), measuring the CPU the server's processes spent meanwhile.
 */
async function expireSessions(
	server: DevServer,
	options: ScaleOptions,
	creation: Creation,
	memory: () => Promise<Memory>,
): Promise<Expiry> {
	const pid = server.pid as number;
	const cpuBefore = treeCpuSeconds(pid);
	const expiredBefore = (await countExpired(server.persistDir, () => true, 0)).expired;
	const lastDeadline = creation.endedAt + options.timeoutSeconds * 1000;
	await delay(Math.max(0, lastDeadline - Date.now()));
	const { expired } = await countExpired(
		server.persistDir,
		(count) => count === creation.created,
		EXPIRY_WAIT_MS,
	);
	return {
		expiredBefore,
		expired,
		lagMs: Date.now() - lastDeadline,
		cpuSeconds: treeCpuSeconds(pid) - cpuBefore,
		memoryAfter: await memory(),
	};
}

/**
 * Reads the server's memory: the tree's RSS, then the isolate's heap after a
 * forced GC. The inspector is a bystander: if it fails, the heap is reported
 * as not measured (the first error is printed) and the run goes on.
 */
function memoryReader(server: DevServer, rss: PeakRss): () => Promise<Memory> {
	// workerd runs a forced GC when the isolate is next entered: the liveness route enters it and wakes no object.
	const nudge = async () => {
		await (await fetch(`${server.origin}/health/live`)).arrayBuffer();
	};
	let warned = false;
	return async () => {
		const rssBytes = rss.sample();
		try {
			return { heapBytes: await heapUsedBytes(server.inspectorPort, nudge), rssBytes };
		} catch (error) {
			if (!warned) console.error(`bench:scale: JS heap not measured: ${error}`);
			warned = true;
			return { heapBytes: undefined, rssBytes };
		}
	};
}

/** Waits until `idleSeconds` have passed since `endedAt`, reading memory every few seconds and at the end. */
async function idleWait(
	endedAt: number,
	idleSeconds: number,
	memory: () => Promise<Memory>,
): Promise<IdleMemory[]> {
	const readings: IdleMemory[] = [];
	const end = endedAt + idleSeconds * 1000;
	while (Date.now() < end) {
		await delay(Math.min(IDLE_SAMPLE_MS, end - Date.now()));
		const idleSeconds = Math.round((Date.now() - endedAt) / 1000);
		readings.push({ idleSeconds, ...(await memory()) });
	}
	return readings;
}

/** A row of the memory table. */
function memoryRow(label: string, memory: Memory): string {
	const heap = memory.heapBytes === undefined ? "n/a" : mebibytes(memory.heapBytes);
	return `| ${label} | ${heap} | ${mebibytes(memory.rssBytes)} |`;
}

/** Session rows marked expired by idle timeout, polled until `accept` takes the count or `waitMs` passes. */
async function countExpired(
	persistDir: string,
	accept: (expired: number) => boolean,
	waitMs: number,
): Promise<{ expired: number }> {
	const { rows } = await pollD1(
		persistDir,
		"SELECT COUNT(*) AS expired FROM archon_mcp_sessions WHERE status = 'expired' AND disconnect_reason = 'timeout'",
		([row]) => accept(Number(row?.expired ?? 0)),
		waitMs,
	);
	return { expired: Number(rows[0]?.expired ?? 0) };
}

/** CPU milliseconds per session that expired during the wait, or n/a when none did. */
function cpuPerExpired(expiry: Expiry): string {
	const during = expiry.expired - expiry.expiredBefore;
	return during > 0 ? ((expiry.cpuSeconds * 1000) / during).toFixed(2) : "n/a";
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
