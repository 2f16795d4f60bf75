/**
 * Describes the machine a benchmark ran on, so figures are never quoted without it.
 */
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { wranglerVersion } from "../scripts/lib/wrangler.ts";

/** The facts that make throughput figures comparable. */
export interface Machine {
	readonly cpuModel: string;
	readonly logicalCores: number;
	readonly memoryGiB: number;
	readonly os: string;
	readonly node: string;
	readonly wrangler: string;
}

/** Reads the machine's description from `node:os` and the pinned wrangler. */
export function describeMachine(): Machine {
	const cores = cpus();
	return {
		cpuModel: cores[0]?.model.trim() ?? "unknown",
		logicalCores: cores.length,
		memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
		os: `${platform()} ${release()}`,
		node: process.version,
		wrangler: wranglerVersion(),
	};
}

/** The 1-minute load average: other work on the machine skews every figure. */
export function loadAverage(): string {
	return (loadavg()[0] ?? 0).toFixed(2);
}

/** The machine as Markdown list lines. */
export function formatMachine(machine: Machine): string {
	return [
		`- CPU: ${machine.cpuModel}, ${machine.logicalCores} logical cores`,
		`- RAM: ${machine.memoryGiB} GiB`,
		`- OS: ${machine.os}`,
		`- Node: ${machine.node}, wrangler ${machine.wrangler}`,
	].join("\n");
}
