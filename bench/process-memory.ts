/**
 * Resident memory of a process tree, read from Linux's /proc: the pids come
 * from each process's parent pid in `/proc/<pid>/stat`, the sizes from
 * `VmRSS` in `/proc/<pid>/status`. `wrangler dev` is a tree (node, esbuild,
 * workerd), so its memory is the sum over the tree.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Bytes per kB as /proc reports them. */
const KIB = 1024;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resident bytes of `rootPid` and every process below it; 0 when it is gone. */
function treeRssBytes(rootPid: number): number {
	return processTree(rootPid).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/**
 * Samples a tree's resident memory at an interval and keeps the highest sum
 * seen: a sampled peak, which can miss a spike shorter than the interval.
 */
export class PeakRss {
	readonly #rootPid: number;
	readonly #timer: ReturnType<typeof setInterval>;
	#peakBytes = 0;

	constructor(rootPid: number, intervalMs: number) {
		this.#rootPid = rootPid;
		this.sample();
		this.#timer = setInterval(() => this.sample(), intervalMs);
	}

	/** Reads the tree now; returns its resident bytes. */
	sample(): number {
		const bytes = treeRssBytes(this.#rootPid);
		this.#peakBytes = Math.max(this.#peakBytes, bytes);
		return bytes;
	}

	/** The highest sum sampled so far, in bytes. */
	get peakBytes(): number {
		return this.#peakBytes;
	}

	/** Stops sampling. */
	stop(): void {
		clearInterval(this.#timer);
	}
}

/** CPU seconds (user and system) used so far by `rootPid` and the processes below it now. */
export function treeCpuSeconds(rootPid: number): number {
	return processTree(rootPid).reduce((sum, pid) => sum + cpuTicks(pid), 0) / CLOCK_TICKS_PER_SECOND;
}

/** Bytes as MiB with one decimal. */
export function mebibytes(bytes: number): string {
	return (bytes / KIB / KIB).toFixed(1);
}

/** `rootPid` and its descendants, breadth first. */
function processTree(rootPid: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		const pid = Number(entry);
		const parent = parentPid(pid);
		if (parent === undefined) continue;
		children.set(parent, [...(children.get(parent) ?? []), pid]);
	}
	const tree: number[] = [];
	const queue = [rootPid];
	for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
		tree.push(pid);
		queue.push(...(children.get(pid) ?? []));
	}
	return tree;
}

/** The parent pid of `pid`, or undefined when it has exited. */
function parentPid(pid: number): number | undefined {
	const stat = readProc(`/proc/${pid}/stat`);
	if (stat === undefined) return undefined;
	// The command name is in parentheses and may hold spaces; state and ppid follow the last ")".
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	const parent = Number(fields[1]);
	return Number.isInteger(parent) ? parent : undefined;
}

/** User plus system clock ticks of `pid` (fields 14 and 15 of `/proc/<pid>/stat`); 0 when it has exited. */
function cpuTicks(pid: number): number {
	const stat = readProc(`/proc/${pid}/stat`);
	if (stat === undefined) return 0;
	// Fields after the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
	const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
	return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** Resident bytes of `pid` (`VmRSS`); 0 when it has exited or is a zombie. */
function rssBytes(pid: number): number {
	const match = readProc(`/proc/${pid}/status`)?.match(/^VmRSS:\s+(\d+) kB$/m);
	return match?.[1] ? Number(match[1]) * KIB : 0;
}

/** A /proc file's text, or undefined when the process is gone. */
function readProc(path: string): string | undefined {
	try {
		return readFileSync(path, "utf8");
	} catch {
		return undefined;
	}
}
