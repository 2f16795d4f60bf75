/**
 * `npm run bench`: the project against its peers, in one run (issue 13).
 * Starts the project (`CONFORMANCE=on`), the project with request tracking
 * off, and the peer Worker of `bench/peer/`, each under its own
 * `wrangler dev`; runs every target in interleaved rounds; prints the
 * machine, a table per target and the goals; writes the raw results
 * to `.bench-results/`. Exits non-zero when a request failed, and with
 * `--check` when a goal is missed. See bench/README.md.
 */
import { queryD1 } from "../scripts/lib/d1.ts";
import type { DevServer } from "../scripts/lib/dev-server.ts";
import { startDeadline } from "./deadline.ts";
import { evaluateGoals, type GoalResult } from "./goals.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { describeMachine, formatMachine, loadAverage } from "./machine.ts";
import { BENCH_USAGE, type BenchOptions, parseBenchOptions } from "./options.ts";
import { formatGoals, formatTargets, type TargetOutcome } from "./report.ts";
import { writeResults } from "./results-file.ts";
import { type ServerRole, serverVars, startServers, stopServers } from "./servers.ts";
import { summarize } from "./summary.ts";
import { isUnavailable, type Sender, selectTargets, type Target } from "./targets.ts";

/** A target ready to run: its sender, and its runs so far. */
interface Prepared {
	readonly target: Target;
	readonly send: Sender;
	readonly runs: LoadResult[];
}

async function main(options: BenchOptions, targets: readonly Target[]): Promise<number> {
	const stopDeadline = startDeadline("bench", options.deadlineSeconds);
	const startedAt = new Date();
	const machine = describeMachine();
	const loadBefore = loadAverage();
	console.log(`Machine\n${formatMachine(machine)}\n- load average (1 min) before: ${loadBefore}\n`);

	const roles = new Set(targets.map((target) => target.server));
	const servers = await startServers(roles);
	try {
		for (const [role, server] of servers) {
			console.log(`${role}: wrangler dev pid ${server.pid} on ${server.origin}`);
		}
		const { prepared, unavailable } = await prepare(targets, servers);
		await runRounds(prepared, options);
		const loadAfter = loadAverage();

		const outcomes: TargetOutcome[] = targets.map((target) => {
			const runs = prepared.find((p) => p.target === target)?.runs;
			if (runs && runs.length > 0) return { target, summary: summarize(runs) };
			return { target, unavailable: unavailable.get(target) ?? "did not run" };
		});
		const untracked = servers.get("untracked");
		const trackedAnyway = untracked ? await trackedRequests(untracked) : 0;
		const goals = evaluateGoals((id) => {
			const outcome = outcomes.find((o) => o.target.id === id);
			// Figures of a server that tracked anyway say nothing about tracking's cost.
			return trackedAnyway > 0 && outcome?.target.server === "untracked"
				? undefined
				: outcome?.summary;
		});

		console.log(`\n${formatTargets(outcomes)}\n`);
		for (const { target, unavailable: reason } of outcomes) {
			if (reason) console.log(`${target.id}: n/a (${reason})`);
		}
		if (trackedAnyway > 0) {
			console.log(
				`BENCH_TRACKING=off was not honoured: the untracked server tracked ${trackedAnyway} requests, so the tracking goal is not measured.`,
			);
		}
		console.log(`\n${formatGoals(goals)}\n\nload average (1 min) after: ${loadAfter}`);

		const path = writeResults("bench", startedAt, {
			machine,
			loadAverage: { before: loadBefore, after: loadAfter },
			options,
			servers: Object.fromEntries([...roles].map((role) => [role, serverVars(role)])),
			trackedWithTrackingOff: untracked ? trackedAnyway : undefined,
			targets: outcomes.map(({ target, summary, unavailable: reason }) => ({
				id: target.id,
				label: target.label,
				server: target.server,
				connections: target.connections,
				unavailable: reason,
				summary,
				runs: prepared.find((p) => p.target === target)?.runs,
			})),
			goals,
		});
		console.log(`raw results: ${path}`);

		const problems = failures(outcomes, options.check ? goals : []);
		for (const problem of problems) console.error(`bench: ${problem}`);
		return problems.length > 0 ? 1 : 0;
	} finally {
		await stopServers(servers);
		stopDeadline();
	}
}

/** Why the run fails: a target with failed requests, or a goal measured and missed (`--check`). */
function failures(
	outcomes: readonly TargetOutcome[],
	checkedGoals: readonly GoalResult[],
): string[] {
	const problems: string[] = [];
	for (const { target, summary } of outcomes) {
		if (summary && summary.errors > 0) {
			problems.push(`${target.id}: ${summary.errors} errors, first: ${summary.firstError}`);
		}
	}
	for (const goal of checkedGoals) {
		if (goal.met === false) problems.push(`--check: missed the goal "${goal.label}"`);
	}
	return problems;
}

/** Opens each target's session (or finds out why it cannot run). */
async function prepare(
	targets: readonly Target[],
	servers: ReadonlyMap<ServerRole, DevServer>,
): Promise<{ prepared: Prepared[]; unavailable: Map<Target, string> }> {
	const prepared: Prepared[] = [];
	const unavailable = new Map<Target, string>();
	for (const target of targets) {
		const server = servers.get(target.server);
		if (!server) throw new Error(`No ${target.server} server for ${target.id}`);
		const outcome = await target.prepare(server);
		if (isUnavailable(outcome)) unavailable.set(target, outcome.unavailable);
		else prepared.push({ target, send: outcome, runs: [] });
	}
	return { prepared, unavailable };
}

/** Request rows in the D1 of `server`: none when it honoured `BENCH_TRACKING=off`. */
async function trackedRequests(server: DevServer): Promise<number> {
	const [row] = await queryD1(server.persistDir, "SELECT COUNT(*) AS n FROM archon_mcp_requests");
	return Number(row?.n ?? 0);
}

/**
 * Runs every target once per round; each round starts one target later, so
 * no target always runs first, or always right after the same neighbour.
 */
async function runRounds(prepared: readonly Prepared[], options: BenchOptions): Promise<void> {
	for (let round = 0; round < options.rounds; round++) {
		for (let step = 0; step < prepared.length; step++) {
			const entry = prepared[(round + step) % prepared.length];
			if (!entry) continue;
			const { target, send, runs } = entry;
			process.stdout.write(`round ${round + 1}/${options.rounds} ${target.id} ... `);
			const result = await runLoad({
				concurrency: target.connections,
				warmupRequests: options.warmup,
				measuredRequests: options.requests,
				send,
			});
			runs.push(result);
			console.log(`${result.perSecond.toFixed(0)}/s, p99 ${result.p99Ms.toFixed(1)} ms`);
		}
	}
}

/** The options and targets asked for; undefined after `--help` or a usage error (exit code 2). */
function readCommandLine(): { options: BenchOptions; targets: Target[] } | undefined {
	try {
		const options = parseBenchOptions(process.argv.slice(2));
		return options && { options, targets: selectTargets(options.targets) };
	} catch (error) {
		console.error(`bench: ${error instanceof Error ? error.message : error}\n\n${BENCH_USAGE}`);
		process.exitCode = 2;
		return undefined;
	}
}

const commandLine = readCommandLine();
if (commandLine) process.exitCode = await main(commandLine.options, commandLine.targets);
