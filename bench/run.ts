/**
 * `npm run bench`: tool-call throughput and latency of the session server
 * under `wrangler dev`, against the bare liveness route as the ceiling.
 * Starts its own server on a free loopback port with throwaway state, and
 * stops it (by process group) whatever happens. See bench/README.md.
 */
import { ANONYMOUS_LOOPBACK_VARS, DevServer } from "../scripts/lib/dev-server.ts";
import {
	type ClientInfo,
	openSession,
	postMcp,
	toolsCallRequest,
} from "../scripts/lib/mcp-http.ts";
import { type LoadOptions, type LoadResult, runLoad } from "./load.ts";
import { describeMachine, formatMachine, loadAverage } from "./machine.ts";

/** Requests run before measuring, per scenario. */
const WARMUP_REQUESTS = 100;

/** Requests measured, per scenario (1000: on a 2-core machine 2000 tool calls alone take over a minute). */
const MEASURED_REQUESTS = 1_000;

/** In flight at once when all calls share one session. */
const SINGLE_SESSION_CONCURRENCY = 8;

/** Sessions (and requests in flight, one per session) in the spread scenario. */
const SPREAD_SESSIONS = 16;

/** Longest one request may take before it counts as failed (10 seconds). */
const REQUEST_TIMEOUT_MS = 10_000;

/** Hard limit for the whole run, start-up included (115 seconds). */
const RUN_DEADLINE_MS = 115_000;

const CLIENT: ClientInfo = { name: "archon-bench", version: "1.0.0" };

/** One row of the result table. */
interface Row {
	readonly scenario: string;
	readonly concurrency: number;
	readonly result: LoadResult;
	/** Tool-call throughput divided by the bare route's at the same concurrency. */
	readonly ratio?: number;
}

async function main(): Promise<void> {
	const deadline = setTimeout(() => {
		console.error(`bench: gave up after ${RUN_DEADLINE_MS / 1000} s`);
		// The exit handler of process-group.ts kills the server.
		process.exit(1);
	}, RUN_DEADLINE_MS);

	const machine = describeMachine();
	console.log(
		`Machine\n${formatMachine(machine)}\n- load average (1 min) before: ${loadAverage()}\n`,
	);
	const server = await DevServer.start({ label: "archon-bench", vars: ANONYMOUS_LOOPBACK_VARS });
	try {
		console.log(`wrangler dev pid ${server.pid} on ${server.origin} (state ${server.persistDir})`);
		const rows = await measure(server);
		console.log(`\n${formatTable(rows)}\n\nload average (1 min) after: ${loadAverage()}`);
		const failed = rows.filter((row) => row.result.errors > 0);
		for (const row of failed) {
			console.error(
				`${row.scenario}: ${row.result.errors} errors, first: ${row.result.firstError}`,
			);
		}
		if (failed.length > 0) process.exitCode = 1;
	} finally {
		await server.dispose();
		clearTimeout(deadline);
	}
}

async function measure(server: DevServer): Promise<Row[]> {
	const one = await openSession(server.mcpUrl, CLIENT);
	const spread = await Promise.all(
		Array.from({ length: SPREAD_SESSIONS }, () => openSession(server.mcpUrl, CLIENT)),
	);
	let nextId = 1;
	const callIn = (sessionId: string) => async () => {
		const reply = await postMcp(
			server.mcpUrl,
			toolsCallRequest(++nextId, "health_check"),
			{ sessionId },
			AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		);
		const message = reply.messages.at(-1);
		if (reply.status !== 200) return `HTTP ${reply.status}`;
		if (!message?.result || message.result.isError) return JSON.stringify(message);
		return undefined;
	};
	const live = async () => {
		const response = await fetch(`${server.origin}/health/live`, {
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
		const text = await response.text();
		return response.status === 200 && text === "ok" ? undefined : `HTTP ${response.status}`;
	};
	const counts = { warmupRequests: WARMUP_REQUESTS, measuredRequests: MEASURED_REQUESTS };

	const scenarios: Array<{ scenario: string; concurrency: number; send: LoadOptions["send"] }> = [
		{
			scenario: "tools/call health_check, 1 session",
			concurrency: SINGLE_SESSION_CONCURRENCY,
			send: callIn(one),
		},
		{
			scenario: `tools/call health_check, ${SPREAD_SESSIONS} sessions`,
			concurrency: SPREAD_SESSIONS,
			send: (worker) => callIn(spread[worker] ?? one)(),
		},
		{ scenario: "GET /health/live", concurrency: SINGLE_SESSION_CONCURRENCY, send: live },
		{ scenario: "GET /health/live", concurrency: SPREAD_SESSIONS, send: live },
	];
	const measured: Row[] = [];
	for (const { scenario, concurrency, send } of scenarios) {
		process.stdout.write(`${scenario} @ ${concurrency} ... `);
		const result = await runLoad({ ...counts, concurrency, send });
		console.log(`${result.perSecond.toFixed(0)}/s`);
		measured.push({ scenario, concurrency, result });
	}
	const bareAt = (concurrency: number) =>
		measured.find((row) => row.scenario === "GET /health/live" && row.concurrency === concurrency);
	return measured.map((row) => {
		const bare = bareAt(row.concurrency);
		return row.scenario.startsWith("tools/call") && bare
			? { ...row, ratio: row.result.perSecond / bare.result.perSecond }
			: row;
	});
}

function formatTable(rows: readonly Row[]): string {
	const lines = [
		"| scenario | in flight | requests | errors | req/s | p50 ms | p99 ms | tool-call / bare |",
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
	];
	for (const { scenario, concurrency, result, ratio } of rows) {
		lines.push(
			`| ${scenario} | ${concurrency} | ${result.requests} | ${result.errors} | ${result.perSecond.toFixed(0)} | ${result.p50Ms.toFixed(1)} | ${result.p99Ms.toFixed(1)} | ${ratio === undefined ? "—" : ratio.toFixed(2)} |`,
		);
	}
	return lines.join("\n");
}

await main();
