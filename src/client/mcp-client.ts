/**
 * `MCPClient`: the official MCP SDK `Client` over its Streamable HTTP
 * transport, kept usable through session expiry, client restarts and flaky
 * networks. The SDK speaks the protocol; this class decides when to open a
 * session, when to open another, and when to try a request again.
 *
 * - One handshake at a time: the first operation (or `connect()`) opens the
 *   session and concurrent callers wait for that same handshake.
 * - A lost session (404, JSON-RPC -32001, 400 "session id missing") is
 *   re-initialized once per operation, presenting the old id as
 *   `X-Archon-Session-Id` so Archon resumes it where it still lives; the
 *   failed request is then sent again.
 * - Transient failures (network, 429, 502, 503, 504) are retried with capped
 *   exponential backoff and full jitter; `Retry-After` wins.
 * - `timeoutMs` bounds each operation, retries included; an `AbortSignal`
 *   stops the operation, its retries and its HTTP request.
 */
import {
	type CallToolResult,
	Client,
	type RequestOptions,
	StreamableHTTPClientTransport,
	type Tool,
} from "@modelcontextprotocol/client";
import { linkSignal, raceAbort, sleep } from "./abort.js";
import { describeError, MCPClientError, toMCPClientError } from "./errors.js";
import { fetchHealth, healthUrl, type ServerHealth } from "./health.js";
import { type MCPClientOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { isTransient, retryDelayMs } from "./retry.js";
import { createSessionFetch } from "./session-fetch.js";

/** Most pages `listTools` follows; a server that never stops sending cursors is cut off here. */
const MAX_TOOL_PAGES = 100;

/**
 * Added to the SDK's own per-request timer, so that ours fires first: the SDK
 * reports timeout and abort as the same error, our signals tell them apart.
 */
const SDK_TIMEOUT_GRACE_MS = 1_000;

/** Options of one operation. */
export interface CallOptions {
	/** Cancels the operation, its retries and its HTTP request. */
	readonly signal?: AbortSignal;
}

/** Options of `callTool`. */
export interface CallToolOptions extends CallOptions {
	/**
	 * Throw an `MCPClientError` with code `TOOL` when the tool returns
	 * `isError: true`, instead of returning that result. Off by default: a tool
	 * error is an answer, not a transport failure.
	 */
	readonly throwOnToolError?: boolean;
}

/** One SDK client and transport bound to one server session. */
interface LiveSession {
	readonly client: Client;
	readonly transport: StreamableHTTPClientTransport;
	/** Undefined only for a stateless server that names no session. */
	readonly id: string | undefined;
}

/** The signal of one operation and how to name what ended it. */
interface Operation {
	readonly signal: AbortSignal;
	readonly toError: (error: unknown) => MCPClientError;
}

/**
 * An MCP client that keeps its session. Prefer `await using`, which closes
 * the session (HTTP DELETE) when the scope ends.
 *
 * @example
 * await using client = new MCPClient({
 *   url: "https://archon.example.com/mcp",
 *   headers: { Authorization: `Bearer ${token}` },
 *   onSessionChange: (id) => saveSessionId(id),
 * });
 * const result = await client.callTool("session_info");
 * console.log(client.sessionId, result.structuredContent);
 */
export class MCPClient implements AsyncDisposable {
	readonly #options: ResolvedOptions;
	/** Aborted once `close()` has finished; every operation listens to it. */
	readonly #closed = new AbortController();
	#session: LiveSession | undefined;
	#opening: Promise<LiveSession> | undefined;
	/** The live session's id, or the id to present at the next handshake. */
	#knownId: string | undefined;
	/** The id `onSessionChange` last reported, so it fires only on a change. */
	#reportedId: string | undefined;
	#closing: Promise<void> | undefined;

	/** Checks the options; throws a `TypeError` that says how to fix a bad one. Sends nothing. */
	constructor(options: MCPClientOptions) {
		this.#options = resolveOptions(options);
		this.#knownId = this.#options.sessionId;
		this.#reportedId = this.#options.sessionId;
	}

	/**
	 * The current session id: the live session's, else the one the next
	 * handshake will ask to resume (the `sessionId` option or a lost session).
	 * Undefined before the first handshake without `sessionId`, and after `close()`.
	 */
	get sessionId(): string | undefined {
		return this.#knownId;
	}

	/**
	 * Opens the session now rather than at the first operation. Idempotent;
	 * concurrent callers share one handshake.
	 */
	async connect(options: CallOptions = {}): Promise<void> {
		const operation = this.#operation(options.signal);
		try {
			await this.#ensureSession(operation.signal);
		} catch (error) {
			throw operation.toError(error);
		}
	}

	/**
	 * Calls a tool. A result with `isError: true` is returned as is, unless
	 * `throwOnToolError` asks for an `MCPClientError` with code `TOOL`.
	 *
	 * @example
	 * const result = await client.callTool("health_check", {}, { signal: AbortSignal.timeout(5_000) });
	 */
	async callTool(
		name: string,
		args: Record<string, unknown> = {},
		options: CallToolOptions = {},
	): Promise<CallToolResult> {
		const result = (await this.#run("tools/call", options.signal, (client, request) =>
			client.callTool({ name, arguments: args }, request),
		)) as CallToolResult;
		if (result.isError && options.throwOnToolError) {
			const text = result.content.find((part) => part.type === "text")?.text;
			throw new MCPClientError("TOOL", `Tool "${name}" failed${text ? `: ${text}` : ""}`, {
				toolResult: result,
			});
		}
		return result;
	}

	/** Lists every tool the server offers, following pagination cursors. */
	async listTools(options: CallOptions = {}): Promise<Tool[]> {
		const tools: Tool[] = [];
		let cursor: string | undefined;
		for (let page = 0; page < MAX_TOOL_PAGES; page++) {
			const params = cursor === undefined ? undefined : { cursor };
			const result = await this.#run("tools/list", options.signal, (client, request) =>
				client.listTools(params, request),
			);
			tools.push(...result.tools);
			cursor = result.nextCursor;
			if (cursor === undefined) return tools;
		}
		this.#options.logger.warn("mcp_client.tools_truncated", { pages: MAX_TOOL_PAGES });
		return tools;
	}

	/** Sends an MCP `ping`; resolves when the server answers. Keeps the session from idling out. */
	async ping(options: CallOptions = {}): Promise<void> {
		await this.#run("ping", options.signal, (client, request) => client.ping(request));
	}

	/**
	 * Reads `GET /health` next to the MCP endpoint. Needs no session. A
	 * degraded server's report is returned, not thrown.
	 */
	async health(options: CallOptions = {}): Promise<ServerHealth> {
		const { url, fetch, headers } = this.#options;
		const operation = this.#operation(options.signal);
		try {
			return await fetchHealth(fetch, healthUrl(url), headers, operation.signal);
		} catch (error) {
			throw operation.toError(error);
		}
	}

	/**
	 * Ends the session (HTTP DELETE, so the server records it as
	 * `disconnected`) and closes the client. Never throws: if the DELETE
	 * fails, the server still expires the session when it idles out. Later
	 * operations fail with `CLOSED`. Idempotent.
	 */
	close(): Promise<void> {
		this.#closing ??= this.#shutdown();
		return this.#closing;
	}

	/** `await using client = new MCPClient(…)` closes the client at the end of the scope. */
	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}

	/** Runs one request with session renewal and retries. */
	async #run<T>(
		method: string,
		callerSignal: AbortSignal | undefined,
		send: (client: Client, request: RequestOptions) => Promise<T>,
	): Promise<T> {
		const operation = this.#operation(callerSignal);
		const timeout = this.#options.timeoutMs + SDK_TIMEOUT_GRACE_MS;
		let renewed = false;
		for (let retry = 0; ; ) {
			let session: LiveSession;
			try {
				session = await this.#ensureSession(operation.signal);
			} catch (error) {
				// The handshake retried on its own; retrying it again here would square the attempts.
				throw operation.toError(error);
			}
			let error: MCPClientError;
			const linked = linkSignal(operation.signal);
			try {
				return await send(session.client, { signal: linked.signal, timeout });
			} catch (thrown) {
				error = operation.toError(thrown);
			} finally {
				linked.unlink();
			}
			if (error.code === "SESSION_EXPIRED" && !renewed) {
				renewed = true;
				this.#forget(session, error);
				continue;
			}
			if (!isTransient(error) || retry >= this.#options.maxRetries) throw error;
			await this.#backoff(method, error, retry++, operation);
		}
	}

	/** The signal of an operation: the caller's, `timeoutMs`, and `close()`. */
	#operation(callerSignal: AbortSignal | undefined): Operation {
		const deadline = AbortSignal.timeout(this.#options.timeoutMs);
		const signals = [this.#closed.signal, deadline];
		if (callerSignal) signals.push(callerSignal);
		return {
			signal: AbortSignal.any(signals),
			toError: (error) => {
				// Checked before the error itself: the SDK wraps aborts and timeouts alike.
				if (this.#closed.signal.aborted) return closedError();
				if (callerSignal?.aborted) {
					return new MCPClientError("ABORTED", "The operation was aborted", {
						cause: callerSignal.reason,
					});
				}
				if (deadline.aborted) {
					return new MCPClientError(
						"TIMEOUT",
						`The operation took longer than ${this.#options.timeoutMs} ms`,
						{ cause: error },
					);
				}
				return toMCPClientError(error);
			},
		};
	}

	/** The live session, or the one handshake in progress, or a new handshake. */
	#ensureSession(signal: AbortSignal): Promise<LiveSession> {
		if (this.#closing) return Promise.reject(closedError());
		if (this.#session) return Promise.resolve(this.#session);
		this.#opening ??= this.#open().finally(() => {
			this.#opening = undefined;
		});
		// The handshake is shared, so one caller giving up must not cancel it for the others.
		return raceAbort(this.#opening, signal);
	}

	/** Opens a session, retrying transient failures; bounded by `timeoutMs` and `close()` only. */
	async #open(): Promise<LiveSession> {
		const operation = this.#operation(undefined);
		for (let retry = 0; ; retry++) {
			let error: MCPClientError;
			try {
				return await this.#handshake(operation.signal);
			} catch (thrown) {
				error = operation.toError(thrown);
			}
			if (!isTransient(error) || retry >= this.#options.maxRetries) throw error;
			await this.#backoff("initialize", error, retry, operation);
		}
	}

	/** One `initialize` + `notifications/initialized` exchange on a fresh SDK client. */
	async #handshake(signal: AbortSignal): Promise<LiveSession> {
		const options = this.#options;
		const presented = this.#knownId;
		const transport = new StreamableHTTPClientTransport(options.url, {
			fetch: createSessionFetch({ fetch: options.fetch, resumeId: () => presented }),
			requestInit: { headers: { ...options.headers } },
			// The SDK's SSE reconnects follow the same policy as our retries.
			reconnectionOptions: {
				initialReconnectionDelay: options.initialDelayMs,
				maxReconnectionDelay: options.maxDelayMs,
				reconnectionDelayGrowFactor: options.factor,
				maxRetries: options.maxRetries,
			},
		});
		const client = new Client(
			{ name: options.clientName, version: options.clientVersion },
			{ capabilities: {} },
		);
		client.onerror = (error) =>
			options.logger.debug("mcp_client.transport_error", { error: describeError(error) });
		const linked = linkSignal(signal);
		try {
			// The SDK sends `initialize`, then `notifications/initialized`, and closes itself on failure.
			await client.connect(transport, {
				signal: linked.signal,
				timeout: options.timeoutMs + SDK_TIMEOUT_GRACE_MS,
			});
		} catch (error) {
			// `initialize` may have opened a session before the handshake failed: resume it, do not orphan it.
			if (transport.sessionId !== undefined) this.#knownId = transport.sessionId;
			throw error;
		} finally {
			linked.unlink();
		}
		const session: LiveSession = { client, transport, id: transport.sessionId };
		this.#session = session;
		this.#knownId = session.id;
		options.logger.info(
			presented !== undefined && presented === session.id
				? "mcp_client.session_resumed"
				: "mcp_client.session_opened",
			{ session: shortId(session.id), replaced: shortId(presented) },
		);
		this.#reportSession(session.id);
		return session;
	}

	/** Drops a session the server no longer knows, so the next operation re-initializes. */
	#forget(session: LiveSession, error: MCPClientError): void {
		// Another operation may have renewed it already; then there is nothing to drop.
		if (this.#session !== session) return;
		this.#session = undefined;
		this.#options.logger.info("mcp_client.session_lost", {
			session: shortId(session.id),
			status: error.status ?? null,
			rpcCode: error.rpcCode ?? null,
		});
		// The old SDK client is left open: closing it would fail other requests still in flight on it.
	}

	#reportSession(id: string | undefined): void {
		const old = this.#reportedId;
		if (id === old) return;
		this.#reportedId = id;
		try {
			this.#options.onSessionChange?.(id, old);
		} catch (error) {
			this.#options.logger.error("mcp_client.session_listener_failed", {
				error: describeError(error),
			});
		}
	}

	async #backoff(
		method: string,
		error: MCPClientError,
		retry: number,
		operation: Operation,
	): Promise<void> {
		const delayMs = retryDelayMs(error, retry, this.#options, this.#options.random);
		this.#options.logger.info("mcp_client.retry", {
			method,
			retry: retry + 1,
			delayMs,
			code: error.code,
			status: error.status ?? null,
		});
		try {
			await (this.#options.sleep ?? sleep)(delayMs, operation.signal);
		} catch (thrown) {
			throw operation.toError(thrown);
		}
		// An injected sleep may ignore the signal; stop here all the same.
		if (operation.signal.aborted) throw operation.toError(operation.signal.reason);
	}

	async #shutdown(): Promise<void> {
		const session = this.#session ?? (await this.#opening?.catch(() => undefined));
		this.#session = undefined;
		if (session) {
			await this.#terminate(session);
			await session.client.close().catch(() => undefined);
		}
		this.#knownId = undefined;
		this.#closed.abort(closedError());
	}

	/** Sends DELETE for the session, once, within `timeoutMs`. */
	async #terminate(session: LiveSession): Promise<void> {
		if (session.id === undefined) return;
		const { logger, timeoutMs } = this.#options;
		try {
			await raceAbort(session.transport.terminateSession(), AbortSignal.timeout(timeoutMs));
			logger.info("mcp_client.session_closed", { session: shortId(session.id) });
		} catch (error) {
			// Not fatal: the server expires an abandoned session when it idles out.
			logger.warn("mcp_client.close_failed", {
				session: shortId(session.id),
				error: describeError(error),
			});
		}
	}
}

function closedError(): MCPClientError {
	return new MCPClientError("CLOSED", "The client is closed");
}

/** Enough of a session id to tell sessions apart in logs, not enough to use it. */
function shortId(id: string | undefined): string | null {
	return id === undefined ? null : id.slice(0, 8);
}
