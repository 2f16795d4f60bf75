/**
 * `npm run bench:profile`: a CPU profile of the project's Worker (and the
 * session objects, which run in the same workerd isolate under `wrangler
 * dev`) while one target is under load, through wrangler's DevTools inspector
 * (Chrome DevTools Protocol, `Profiler.start`/`stop`, over Node's global
 * `WebSocket`, bench/devtools.ts). Writes the `.cpuprofile` (open it in Chrome DevTools) to
 * `.bench-results/` and prints self time by part of the system (project
 * folder, npm package, runtime; bench/profile-modules.ts) and by function.
 *
 *   npm run bench:profile -- --targets legacy@8,modern@8 --requests 1500
 *   npm run bench:profile -- --targets legacy@8 --functions dequeue,armBy,batch
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../scripts/lib/wrangler.ts";
import { DevToolsSession, inspectorTargets } from "./devtools.ts";
import { runLoad } from "./load.ts";
import { partsOfProfile } from "./profile-modules.ts";
import { startServers, stopServers } from "./servers.ts";
import { isUnavailable, selectTargets } from "./targets.ts";

/** Sampling interval of the profiler, in microseconds (V8's default is 1000). */
const SAMPLING_INTERVAL_US = 200;

/** Rows of each summary table. */
const TOP_ROWS = 25;

interface CpuProfileNode {
	readonly id: number;
	readonly callFrame: {
		readonly functionName: string;
		readonly url: string;
		readonly lineNumber: number;
		readonly scriptId?: string;
	};
	readonly children?: readonly number[];
}

interface CpuProfile {
	readonly nodes: readonly CpuProfileNode[];
	readonly samples: readonly number[];
	readonly timeDeltas: readonly number[];
	readonly startTime: number;
	readonly endTime: number;
}

/** Self time per key, in milliseconds, heaviest first. */
function selfTime(profile: CpuProfile, keyOf: (node: CpuProfileNode) => string) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const totals = new Map<string, number>();
	let all = 0;
	profile.samples.forEach((id, index) => {
		const node = byId.get(id);
		const ms = (profile.timeDeltas[index] ?? 0) / 1000;
		all += ms;
		if (!node) return;
		const key = keyOf(node);
		totals.set(key, (totals.get(key) ?? 0) + ms);
	});
	return { all, rows: [...totals].sort((a, b) => b[1] - a[1]) };
}

/**
 * Milliseconds of samples whose stack holds a function of each name
 * (inclusive time, each sample counted once per name). The part of an async
 * function after its first `await` runs on a microtask's stack, not its
 * caller's, so an async caller's inclusive time leaves that part out.
 */
function inclusiveTime(profile: CpuProfile, names: readonly string[]): Map<string, number> {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parentOf.set(child, node.id);
	const wanted = new Set(names);
	const totals = new Map(names.map((name) => [name, 0]));
	profile.samples.forEach((sample, index) => {
		const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
		const seen = new Set<string>();
		for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
			const name = byId.get(id)?.callFrame.functionName ?? "";
			if (wanted.has(name) && !seen.has(name)) {
				seen.add(name);
				totals.set(name, (totals.get(name) ?? 0) + ms);
			}
		}
	});
	return totals;
}

/** A file's name without the bundle's noise: the part after `node_modules/` or `src/`. */
function fileOf(url: string): string {
	if (url === "") return "(native)";
	const modules = url.lastIndexOf("node_modules/");
	if (modules >= 0) return url.slice(modules + "node_modules/".length);
	const src = url.lastIndexOf("/src/");
	return src >= 0 ? url.slice(src + 1) : url;
}

function printTable(title: string, total: number, rows: ReadonlyArray<[string, number]>): void {
	console.log(`\n${title} (of ${total.toFixed(0)} ms sampled)\n`);
	console.log("| self ms | share | where |\n| ---: | ---: | --- |");
	for (const [key, ms] of rows.slice(0, TOP_ROWS)) {
		console.log(`| ${ms.toFixed(0)} | ${((ms / total) * 100).toFixed(1)} % | ${key} |`);
	}
}

/** Self time of each row per request, and its share of the isolate's busy time (idle left out). */
function printPerRequest(
	title: string,
	rows: ReadonlyArray<[string, number]>,
	{ requests, busy }: { requests: number; busy: number },
): void {
	console.log(`\n${title}\n`);
	console.log("| ms / request | share of busy | part |\n| ---: | ---: | --- |");
	for (const [key, ms] of rows) {
		if (key === "(idle)") continue;
		console.log(`| ${(ms / requests).toFixed(3)} | ${((ms / busy) * 100).toFixed(1)} % | ${key} |`);
	}
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			targets: { type: "string", default: "legacy@8,modern@8" },
			requests: { type: "string", default: "1500" },
			warmup: { type: "string", default: "200" },
			// Comma-separated function names whose inclusive CPU per request is printed too.
			functions: { type: "string", default: "" },
		},
	});
	const targets = selectTargets(values.targets.split(","));
	const servers = await startServers(new Set(targets.map((target) => target.server)));
	const outDir = join(PROJECT_ROOT, ".bench-results");
	mkdirSync(outDir, { recursive: true });
	try {
		for (const target of targets) {
			const server = servers.get(target.server);
			if (!server) throw new Error(`no server for ${target.id}`);
			const send = await target.prepare(server);
			if (isUnavailable(send)) throw new Error(`${target.id}: ${send.unavailable}`);
			const inspectable = await inspectorTargets(server.inspectorPort);
			console.log(
				`\n## ${target.id}: inspector targets ${inspectable.map((e) => e.title).join(", ")}`,
			);
			const sessions = await Promise.all(
				inspectable.map((entry) => DevToolsSession.connect(entry.webSocketDebuggerUrl as string)),
			);
			const load = { concurrency: target.connections, send };
			await runLoad({ ...load, warmupRequests: Number(values.warmup), measuredRequests: 0 });
			for (const session of sessions) {
				await session.send("Profiler.enable");
				await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
				await session.send("Profiler.start");
			}
			const result = await runLoad({
				...load,
				warmupRequests: 0,
				measuredRequests: Number(values.requests),
			});
			console.log(
				`${result.requests} requests, ${result.errors} errors, ${result.perSecond.toFixed(0)} req/s under the profiler`,
			);
			for (const [index, session] of sessions.entries()) {
				const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
				const partOf = await partsOfProfile(
					session,
					profile.nodes.map((node) => node.callFrame),
				);
				session.close();
				const stamp = new Date().toISOString().replace(/[:.]/g, "-");
				const file = join(outDir, `profile-${target.id}-${index}-${stamp}.cpuprofile`);
				writeFileSync(file, JSON.stringify(profile));
				console.log(`wrote ${file}`);
				const byFunction = selfTime(
					profile,
					(node) =>
						`${node.callFrame.functionName || "(anonymous)"} ${partOf(node.callFrame)} (${fileOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1})`,
				);
				const byPart = selfTime(profile, (node) => partOf(node.callFrame));
				const idle = byFunction.rows
					.filter(([key]) => key.startsWith("(idle) "))
					.reduce((sum, [, ms]) => sum + ms, 0);
				// CPU per request holds up under a busy machine far better than req/s does.
				console.log(
					`isolate busy ${(byFunction.all - idle).toFixed(0)} ms of ${byFunction.all.toFixed(0)} ms: ${((byFunction.all - idle) / result.requests).toFixed(2)} ms of CPU per request`,
				);
				printPerRequest(`### ${target.id}: self time by part of the system`, byPart.rows, {
					requests: result.requests,
					busy: byFunction.all - idle,
				});
				printTable(`### ${target.id}: self time by function`, byFunction.all, byFunction.rows);
				const names = values.functions.split(",").filter((name) => name !== "");
				if (names.length > 0) {
					console.log(`\n### ${target.id}: inclusive time of named functions\n`);
					console.log("| function | ms / request |\n| --- | ---: |");
					for (const [name, ms] of inclusiveTime(profile, names)) {
						console.log(`| ${name} | ${(ms / result.requests).toFixed(3)} |`);
					}
				}
			}
		}
	} finally {
		await stopServers(servers);
	}
}

await main();
