/**
 * A minimal Chrome DevTools Protocol client for the Worker's isolate under
 * `wrangler dev`, through wrangler's inspector proxy (`--inspector-port`):
 * `/json` lists the isolates, each with a WebSocket to send CDP commands on
 * (Node's global `WebSocket`). Used by `bench:profile` (`Profiler.*`) and
 * `bench:scale` (the JS heap used, after a forced GC).
 */
import { delay } from "../scripts/lib/process-group.ts";

/** Longest wait for the inspector to answer one command or the socket to open (30 seconds). */
const COMMAND_TIMEOUT_MS = 30_000;

/** One isolate the inspector proxy offers. */
export interface InspectorTarget {
	readonly title?: string;
	readonly webSocketDebuggerUrl?: string;
}

/** The isolates behind wrangler's inspector proxy on `port` (loopback) that can be connected to. */
export async function inspectorTargets(port: number): Promise<InspectorTarget[]> {
	const response = await fetch(`http://127.0.0.1:${port}/json`, {
		signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
	});
	const list = (await response.json()) as InspectorTarget[];
	return list.filter((entry) => entry.webSocketDebuggerUrl);
}

/** A CDP session over one inspector WebSocket. */
export class DevToolsSession {
	readonly #socket: WebSocket;
	readonly #waiting = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
	#nextId = 1;

	private constructor(socket: WebSocket) {
		this.#socket = socket;
		socket.addEventListener("message", (event) => {
			const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
			if (message.id !== undefined) this.#waiting.get(message.id)?.(message);
		});
	}

	/** Opens a session on one target's `webSocketDebuggerUrl`. */
	static async connect(url: string): Promise<DevToolsSession> {
		// Wrangler's inspector proxy wants a local Origin; undici's WebSocket takes headers as a non-standard option.
		const init = { headers: { origin: "http://localhost" } } as unknown as string[];
		const socket = new WebSocket(url, init);
		await withTimeout(
			new Promise((resolve, reject) => {
				socket.addEventListener("open", resolve, { once: true });
				socket.addEventListener("error", reject, { once: true });
			}),
			`connecting to ${url}`,
		);
		return new DevToolsSession(socket);
	}

	/** Sends one CDP command and returns its result; throws on a CDP error or after 30 s without an answer. */
	async send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		const id = this.#nextId++;
		const answer = new Promise<{ result?: unknown; error?: unknown }>((resolve) =>
			this.#waiting.set(id, resolve),
		);
		this.#socket.send(JSON.stringify({ id, method, params }));
		try {
			const message = await withTimeout(answer, method);
			if (message.error) throw new Error(`${method}: ${JSON.stringify(message.error)}`);
			return message.result as T;
		} finally {
			this.#waiting.delete(id);
		}
	}

	close(): void {
		this.#socket.close();
	}
}

/** Interval between nudges while a forced GC waits for the isolate to be entered (200 ms). */
const NUDGE_INTERVAL_MS = 200;

/**
 * The JS heap used by the Worker's isolate, in bytes, after a full GC
 * (`HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`), summed over
 * every isolate the inspector lists. workerd runs the GC (and answers it)
 * only when the isolate is next entered, so `nudge` (a request to a route
 * that wakes no Durable Object) is sent until it answers. Connects for the
 * reading only and closes again: no inspector session stays attached
 * between readings.
 */
export async function heapUsedBytes(
	inspectorPort: number,
	nudge: () => Promise<void>,
): Promise<number> {
	let total = 0;
	for (const target of await inspectorTargets(inspectorPort)) {
		const session = await DevToolsSession.connect(target.webSocketDebuggerUrl as string);
		try {
			let collected = false;
			const gc = session.send("HeapProfiler.collectGarbage").finally(() => {
				collected = true;
			});
			while (!collected) {
				await nudge();
				await Promise.race([gc, delay(NUDGE_INTERVAL_MS)]);
			}
			await gc;
			const { usedSize } = await session.send<{ usedSize: number }>("Runtime.getHeapUsage");
			total += usedSize;
		} finally {
			session.close();
		}
	}
	return total;
}

/** `promise`, or a rejection naming `what` once the command timeout has passed. */
async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`DevTools: no answer to ${what} in ${COMMAND_TIMEOUT_MS / 1000} s`)),
			COMMAND_TIMEOUT_MS,
		);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
