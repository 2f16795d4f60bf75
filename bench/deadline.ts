/**
 * A hard limit for a whole benchmark run: when it passes, the script exits,
 * and the exit handler of scripts/lib/process-group.ts kills every server it
 * started (their state directories are removed by scripts/lib/dev-server.ts).
 */

/** Starts the deadline; call the returned function when the run ends in time. */
export function startDeadline(script: string, seconds: number): () => void {
	const timer = setTimeout(() => {
		console.error(`${script}: gave up after ${seconds} s`);
		process.exit(1);
	}, seconds * 1000);
	return () => clearTimeout(timer);
}
