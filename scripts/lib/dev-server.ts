/**
 * `wrangler dev` on a free loopback port with its own persisted state (D1,
 * Durable Objects, alarms), for the benchmark and the live suite. The server
 * can be killed and started again on the same port and state, which is how
 * the live suite proves that sessions survive a restart. It runs the
 * project's Worker unless told another wrangler config (the benchmark's peer).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devRequestStateKey } from "./dev-vars.ts";
import { freePort, LOOPBACK } from "./free-port.ts";
import { delay, type ProcessGroup, spawnGroup, stopGroup } from "./process-group.ts";
import { applyMigrations, PROJECT_ROOT, wranglerCommand } from "./wrangler.ts";

/** Longest wait for `wrangler dev` to answer its liveness route (60 seconds). */
const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** Interval between readiness probes (100 ms). */
const READY_POLL_MS = 100;

/** Timeout of one readiness probe (2 seconds). */
const PROBE_TIMEOUT_MS = 2_000;

/** Lines of the server log quoted when it fails to start. */
const LOG_TAIL_LINES = 20;

/** The route polled for readiness unless told another: the project's dependency-free liveness route. */
const DEFAULT_READY_PATH = "/health/live";

/**
 * Variables for a server that the scripts' anonymous clients may use:
 * `AUTH_MODE=off` is honoured for loopback requests only (src/http/auth-bypass.ts).
 */
export const ANONYMOUS_LOOPBACK_VARS: Readonly<Record<string, string>> = { AUTH_MODE: "off" };

/** How to start the server. */
export interface DevServerOptions {
	/** Worker variables passed as `--var NAME:value`, e.g. `{ SESSION_TIMEOUT_SECONDS: "10" }`. */
	readonly vars?: Readonly<Record<string, string>>;
	/** Wrangler's `--log-level`; its default (`log`) when absent. */
	readonly logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
	/** Longest wait for readiness, in milliseconds. */
	readonly readyTimeoutMs?: number;
	/** Prefix of the temporary state directory's name. */
	readonly label?: string;
	/**
	 * Wrangler config of another Worker, relative to the project root (e.g.
	 * `bench/peer/wrangler.toml`); the project's `wrangler.toml` when absent.
	 * Another Worker gets no D1 migrations.
	 */
	readonly config?: string;
	/** Route polled until it answers 2xx; `/health/live` when absent. */
	readonly readyPath?: string;
}

/**
 * One `wrangler dev` with its own temporary state directory and log file.
 *
 * @example
 * const server = await DevServer.start({ vars: { SESSION_TIMEOUT_SECONDS: "10" } });
 * try {
 *   await fetch(`${server.origin}/health`);
 *   await server.restart(); // same port, same sessions
 * } finally {
 *   await server.dispose(); // stops every process and deletes the state
 * }
 */
export class DevServer {
	/** `http://127.0.0.1:<port>`. */
	readonly origin: string;
	/** The MCP endpoint, `<origin>/mcp`. */
	readonly mcpUrl: string;
	readonly port: number;
	/** Wrangler's `--persist-to` directory: local D1, Durable Object storage and alarms. */
	readonly persistDir: string;
	/** Where the server's stdout and stderr go (inside the state directory). */
	readonly logFile: string;
	readonly #root: string;
	readonly #options: DevServerOptions;
	readonly #inspectorPort: number;
	/** This server's own `REQUEST_STATE_KEY`, the same across restarts (requestState minted before one still verifies). */
	readonly #requestStateKey = devRequestStateKey();
	#group: ProcessGroup | undefined;

	private constructor(
		root: string,
		port: number,
		inspectorPort: number,
		options: DevServerOptions,
	) {
		this.#root = root;
		this.port = port;
		this.#inspectorPort = inspectorPort;
		this.#options = options;
		this.origin = `http://${LOOPBACK}:${port}`;
		this.mcpUrl = `${this.origin}/mcp`;
		this.persistDir = join(root, "state");
		this.logFile = join(root, "wrangler-dev.log");
	}

	/**
	 * Creates a temporary state directory, applies the D1 migrations to it,
	 * starts `wrangler dev` on a free loopback port and waits until it answers.
	 */
	static async start(options: DevServerOptions = {}): Promise<DevServer> {
		const root = mkdtempSync(join(tmpdir(), `${options.label ?? "archon-dev"}-`));
		// `finally` blocks do not run when a deadline calls process.exit(); this does.
		const removeRoot = () => rmSync(root, { recursive: true, force: true });
		process.once("exit", removeRoot);
		// Wrangler's devtools port defaults to 9229 and would clash with a server someone else runs.
		const server = new DevServer(root, await freePort(), await freePort(), options);
		try {
			if (options.config === undefined) await applyMigrations(server.persistDir);
			await server.#launch();
			return server;
		} catch (error) {
			await server.dispose();
			throw error;
		}
	}

	/** Port of wrangler's DevTools inspector proxy (`/json` lists the Worker's isolates), on loopback. */
	get inspectorPort(): number {
		return this.#inspectorPort;
	}

	/** Pid of the running wrangler process (leader of its process group), if any. */
	get pid(): number | undefined {
		return this.#group?.pid;
	}

	/**
	 * Stops the server and every process it started; the state directory is
	 * kept. SIGTERM lets wrangler shut down; SIGKILL is a crash.
	 */
	async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
		const group = this.#group;
		this.#group = undefined;
		if (group) await stopGroup(group, signal);
	}

	/** Stops the server (see `stop`) and starts it again on the same port and persisted state. */
	async restart(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
		await this.stop(signal);
		await this.#launch();
	}

	/** Stops the server and deletes its state directory. Safe to call twice. */
	async dispose(): Promise<void> {
		await this.stop();
		rmSync(this.#root, { recursive: true, force: true });
	}

	/** The last lines of the server's log, for error messages. */
	logTail(lines = LOG_TAIL_LINES): string {
		try {
			return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
		} catch {
			return "(no log)";
		}
	}

	async #launch(): Promise<void> {
		const args = [
			"dev",
			"--ip",
			LOOPBACK,
			"--port",
			String(this.port),
			"--inspector-ip",
			LOOPBACK,
			"--inspector-port",
			String(this.#inspectorPort),
			"--persist-to",
			this.persistDir,
			"--show-interactive-dev-session=false",
		];
		if (this.#options.config !== undefined) args.push("--config", this.#options.config);
		if (this.#options.logLevel) args.push("--log-level", this.#options.logLevel);
		const vars = { REQUEST_STATE_KEY: this.#requestStateKey, ...this.#options.vars };
		for (const [name, value] of Object.entries(vars)) {
			args.push("--var", `${name}:${value}`);
		}
		const [program, programArgs] = wranglerCommand(args);
		const fd = openSync(this.logFile, "a");
		try {
			this.#group = spawnGroup(program, programArgs, { cwd: PROJECT_ROOT, output: fd });
		} finally {
			// The child holds its own copy of the descriptor.
			closeSync(fd);
		}
		await this.#waitUntilReady(this.#group);
	}

	/** Polls the readiness route; fails early if wrangler exits. */
	async #waitUntilReady(group: ProcessGroup): Promise<void> {
		let exitCode: number | null | undefined;
		void group.exited.then((code) => {
			exitCode = code;
		});
		const deadline = Date.now() + (this.#options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
		while (Date.now() < deadline) {
			if (exitCode !== undefined) {
				this.#group = undefined;
				throw new Error(
					`wrangler dev exited (code ${exitCode}) before it was ready:\n${this.logTail()}`,
				);
			}
			try {
				const readyPath = this.#options.readyPath ?? DEFAULT_READY_PATH;
				const response = await fetch(`${this.origin}${readyPath}`, {
					signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
				});
				await response.arrayBuffer();
				if (response.ok) return;
			} catch {
				// Not listening yet.
			}
			await delay(READY_POLL_MS);
		}
		await this.stop();
		throw new Error(`wrangler dev was not ready on ${this.origin} in time:\n${this.logTail()}`);
	}
}
