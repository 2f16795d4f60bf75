/**
 * Child processes that run in their own process group, so stopping one stops
 * everything it started (wrangler starts esbuild and two workerd processes).
 * Every group still running when this script exits, fails or is interrupted
 * is killed by pid, never by name.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** How long a group gets to exit after SIGTERM before it is sent SIGKILL (5 seconds). */
const TERM_GRACE_MS = 5_000;

/** Polling interval while waiting for a group to disappear (50 ms). */
const EXIT_POLL_MS = 50;

/** Process groups started by this script and not yet stopped, by leader pid. */
const liveGroups = new Set<number>();

/** What to run, and where its output goes. */
export interface GroupSpawnOptions {
	readonly cwd: string;
	readonly env?: NodeJS.ProcessEnv;
	/** File descriptor that receives stdout and stderr, or `pipe` to read them; discarded when absent. */
	readonly output?: number | "pipe";
}

/** What a finished one-shot command printed, and how it ended. */
export interface CommandResult {
	/** Exit code, or null when a signal (or the timeout) ended it. */
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly timedOut: boolean;
}

/** A running process group and its leader. */
export interface ProcessGroup {
	/** Pid of the leader, which is also the group id. */
	readonly pid: number;
	readonly child: ChildProcess;
	/** Settles when the leader has exited and its output is closed, with its exit code (null when killed by a signal). */
	readonly exited: Promise<number | null>;
}

/**
 * Starts `command` as the leader of a new process group and registers the
 * group for cleanup at exit.
 */
export function spawnGroup(
	command: string,
	args: readonly string[],
	options: GroupSpawnOptions,
): ProcessGroup {
	installExitHandlers();
	const output = options.output ?? "ignore";
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		detached: true,
		stdio: ["ignore", output, output],
	});
	const pid = child.pid;
	if (pid === undefined) throw new Error(`Could not start ${command}`);
	liveGroups.add(pid);
	const exited = new Promise<number | null>((resolve) => {
		// `close` rather than `exit`: it waits for piped output to be fully read.
		child.once("close", (code) => resolve(code));
		child.once("error", () => resolve(null));
	});
	return { pid, child, exited };
}

/**
 * Stops a process group: `signal` (SIGTERM unless told) to the whole group,
 * SIGKILL after a grace period, and resolves once no process of the group is left.
 */
export async function stopGroup(
	group: ProcessGroup,
	signal: "SIGTERM" | "SIGKILL" = "SIGTERM",
): Promise<void> {
	signalGroup(group.pid, signal);
	const deadline = Date.now() + TERM_GRACE_MS;
	while (groupAlive(group.pid) && Date.now() < deadline) await delay(EXIT_POLL_MS);
	if (groupAlive(group.pid)) signalGroup(group.pid, "SIGKILL");
	while (groupAlive(group.pid)) await delay(EXIT_POLL_MS);
	await group.exited;
	liveGroups.delete(group.pid);
}

/**
 * Runs a one-shot command in its own process group and collects its output.
 * On timeout the whole group is stopped, including anything it started.
 */
export async function runGroup(
	command: string,
	args: readonly string[],
	options: GroupSpawnOptions & { readonly timeoutMs: number },
): Promise<CommandResult> {
	const group = spawnGroup(command, args, { ...options, output: "pipe" });
	let stdout = "";
	let stderr = "";
	group.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
		stdout += chunk;
	});
	group.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
		stderr += chunk;
	});
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void stopGroup(group);
	}, options.timeoutMs);
	const code = await group.exited;
	clearTimeout(timer);
	// The leader is gone; anything it left running in its group goes too.
	await stopGroup(group);
	return { code, stdout, stderr, timedOut };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `signal` to every process of the group; a group already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
	}
}

/** True while any process of the group exists (signal 0 only probes). */
function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

let handlersInstalled = false;

/** Kills leftover groups on every way out: normal exit, uncaught error, Ctrl-C, SIGTERM. */
function installExitHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	// `exit` handlers must be synchronous, so leftovers get SIGKILL straight away.
	process.on("exit", () => {
		for (const pid of liveGroups) signalGroup(pid, "SIGKILL");
	});
	for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
		process.once(signal, () => {
			process.exitCode = 130;
			process.exit();
		});
	}
}
