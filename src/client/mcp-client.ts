/**
 * `MCPClient`: the official MCP SDK `Client` over its Streamable HTTP
 * transport, kept usable through session expiry, client restarts, flaky
 * networks and rotating tokens, in both eras of MCP. The SDK speaks the
 * protocol; this class decides when to connect, when to connect again, and
 * when to try a request again.
 *
 * - One connection at a time: the first operation (or `connect()`) connects,
 *   probing the era when `protocol` is `auto`, and concurrent callers wait
 *   for that same connection.
 * - 2025 era: a lost session (404, JSON-RPC -32001, 400 "session id
 *   missing") is re-initialized once per operation, presenting the old id as
 *   `X-Archon-Session-Id` so Archon resumes it where it still lives; the
 *   failed request is then sent again.
 * - Transient failures (network, a cut response stream, 429, 502, 503, 504)
 *   are retried with capped exponential backoff and full jitter;
 *   `Retry-After` wins. A retried request gets a new JSON-RPC id.
 * - `timeoutMs` bounds each operation, retries included; an `AbortSignal`
 *   stops the operation, its retries and its HTTP request.
 */
import type {
	CallToolResult,
	Client,
	GetPromptResult,
	Prompt,
	ProtocolEra,
	ReadResourceResult,
	RequestOptions,
	Resource,
	StreamableHTTPClientTransport,
	Tool,
} from "@modelcontextprotocol/client";
import { linkSignal, raceAbort } from "./abort.js";
import { ConnectError, type Connection, openConnection } from "./connection.js";
import { describeError, MCPClientError, toMCPClientError } from "./errors.js";
import { fetchHealth, healthUrl, type ServerHealth } from "./health.js";
import {
	type FetchFunction,
	type MCPClientOptions,
	type ResolvedOptions,
	resolveOptions,
} from "./options.js";
import { forgetVerdict } from "./protocol-verdicts.js";
import { isTransient, retryDelayMs } from "./retry.js";
import { createTokenFetch } from "./token-fetch.js";

/**
 * Added to the SDK's own per-request timer, so that ours fires first: the SDK
 * reports timeout and abort as the same error, our signals tell them apart.
 */
const SDK_TIMEOUT_GRACE_MS = 1_000;

/** JSON-RPC code of "unsupported protocol version" (2026-07-28): a remembered modern verdict went stale. */
const UNSUPPORTED_PROTOCOL_VERSION_RPC_CODE = -32022;

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

/** The signal of one operation and how to name what ended it. */
interface Operation {
	readonly signal: AbortSignal;
	readonly toError: (error: unknown) => MCPClientError;
}

/**
 * An MCP client that keeps its session, in both eras. Prefer `await using`,
 * which closes the session (HTTP DELETE) when the scope ends.
 *
 * @example
 * await using client = new MCPClient({
 *   url: "https://archon.example.com/mcp",
 *   getToken: () => tokens.current(),
 *   onElicitation: async (request) => ({ action: "accept", content: await askUser(request) }),
 * });
 * const result = await client.callTool("session_info");
 * console.log(client.protocolEra, result.structuredContent);
 */
export class MCPClient implements AsyncDisposable {
	readonly #options: ResolvedOptions;
	/** `fetch` with `getToken`'s bearer token, for the transport and `/health`. */
	readonly #fetch: FetchFunction;
	/** Marks the answers this client appends to cut response streams; random, so a server cannot fake one. */
	readonly #streamMark = crypto.randomUUID();
	/** Aborted once `close()` has finished; every operation listens to it. */
	readonly #closed = new AbortController();
	#connection: Connection | undefined;
	#opening: Promise<Connection> | undefined;
	/** The last transport built, for `finishAuth`. */
	#transport: StreamableHTTPClientTransport | undefined;
	/** The live session's id, or the id to present at the next handshake. */
	#knownId: string | undefined;
	/** The id `onSessionChange` last reported, so it fires only on a change. */
	#reportedId: string | undefined;
	#era: ProtocolEra | undefined;
	#closing: Promise<void> | undefined;

	/** Checks the options; throws a `TypeError` that says how to fix a bad one. Sends nothing. */
	constructor(options: MCPClientOptions) {
		this.#options = resolveOptions(options);
		const { fetch, getToken } = this.#options;
		this.#fetch = getToken ? createTokenFetch(fetch, getToken) : fetch;
		this.#knownId = this.#options.sessionId;
		this.#reportedId = this.#options.sessionId;
	}

	/**
	 * The current session id: the live session's, else the one the next
	 * handshake will ask to resume (the `sessionId` option or a lost session).
	 * Undefined before the first handshake without `sessionId`, after
	 * `close()`, and in the 2026-07-28 era, which has no sessions.
	 */
	get sessionId(): string | undefined {
		return this.#knownId;
	}

	/**
	 * The era the last connection speaks: `modern` (2026-07-28) or `legacy`
	 * (2025 revisions, `initialize` and a session). Undefined before the first
	 * connection.
	 */
	get protocolEra(): ProtocolEra | undefined {
		return this.#era;
	}

	/**
	 * Connects now rather than at the first operation. Idempotent; concurrent
	 * callers share one connection.
	 */
	async connect(options: CallOptions = {}): Promise<void> {
		const operation = this.#operation(options.signal);
		try {
			await this.#ensureConnection(operation.signal);
		} catch (error) {
			throw operation.toError(error);
		}
	}

	/**
	 * Calls a tool. A result with `isError: true` is returned as is, unless
	 * `throwOnToolError` asks for an `MCPClientError` with code `TOOL`. Input
	 * the server asks for during the call goes to the `on…` handlers.
	 *
	 * @example
	 * const result = await client.callTool("health_check", {}, { signal: AbortSignal.timeout(5_000) });
	 */
	async callTool(
		name: string,
		args: Record<string, unknown> = {},
		options: CallToolOptions = {},
	): Promise<CallToolResult> {
		const result = await this.#run("tools/call", options.signal, (client, request) =>
			client.callTool({ name, arguments: args }, request),
		);
		if (result.isError && options.throwOnToolError) {
			const text = result.content.find((part) => part.type === "text")?.text;
			throw new MCPClientError("TOOL", `Tool "${name}" failed${text ? `: ${text}` : ""}`, {
				toolResult: result,
			});
		}
		return result;
	}

	/** Lists every tool the server offers, following pagination cursors (at most 100 pages). */
	async listTools(options: CallOptions = {}): Promise<Tool[]> {
		const result = await this.#run("tools/list", options.signal, (client, request) =>
			client.listTools(undefined, request),
		);
		return result.tools;
	}

	/** Lists every resource the server offers (at most 100 pages); none when it has no resources. */
	async listResources(options: CallOptions = {}): Promise<Resource[]> {
		const result = await this.#run("resources/list", options.signal, (client, request) =>
			client.listResources(undefined, request),
		);
		return result.resources;
	}

	/** Reads one resource. Input the server asks for during the read goes to the `on…` handlers. */
	async readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
		return this.#run("resources/read", options.signal, (client, request) =>
			client.readResource({ uri }, request),
		);
	}

	/** Lists every prompt the server offers (at most 100 pages); none when it has no prompts. */
	async listPrompts(options: CallOptions = {}): Promise<Prompt[]> {
		const result = await this.#run("prompts/list", options.signal, (client, request) =>
			client.listPrompts(undefined, request),
		);
		return result.prompts;
	}

	/** Gets one prompt with its arguments. */
	async getPrompt(
		name: string,
		args: Record<string, string> = {},
		options: CallOptions = {},
	): Promise<GetPromptResult> {
		return this.#run("prompts/get", options.signal, (client, request) =>
			client.getPrompt({ name, arguments: args }, request),
		);
	}

	/**
	 * Checks that the server answers: MCP `ping` in the 2025 era (which also
	 * keeps the session from idling out), `server/discover` in 2026-07-28,
	 * which has no `ping`.
	 */
	async ping(options: CallOptions = {}): Promise<void> {
		await this.#run("ping", options.signal, async (client, request) => {
			if (client.getProtocolEra() === "modern") await client.discover(request);
			else await client.ping(request);
		});
	}

	/**
	 * Reads `GET /health` next to the MCP endpoint. Needs no session. A
	 * degraded server's report is returned, not thrown.
	 */
	async health(options: CallOptions = {}): Promise<ServerHealth> {
		const { url, headers } = this.#options;
		const operation = this.#operation(options.signal);
		try {
			return await fetchHealth(this.#fetch, healthUrl(url), headers, operation.signal);
		} catch (error) {
			throw operation.toError(error);
		}
	}

	/**
	 * Completes an OAuth sign-in that an `authProvider` started: pass the
	 * query of the redirect back to the application (`code`, and `iss` where
	 * the authorization server sends it). The tokens go to the provider; the
	 * next operation connects with them.
	 *
	 * @example
	 * const callback = new URL(requestUrl);
	 * await client.finishAuth(callback.searchParams);
	 * await client.callTool("session_info");
	 */
	async finishAuth(callback: URLSearchParams): Promise<void> {
		const transport = this.#transport;
		if (!this.#options.authProvider || !transport) {
			throw new MCPClientError(
				"UNAUTHORIZED",
				"finishAuth needs an authProvider and an operation that started the sign-in",
			);
		}
		try {
			await transport.finishAuth(callback);
		} catch (error) {
			throw toMCPClientError(error);
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

	/** Runs one request with renewal and retries. */
	async #run<T>(
		method: string,
		callerSignal: AbortSignal | undefined,
		send: (client: Client, request: RequestOptions) => Promise<T>,
	): Promise<T> {
		const operation = this.#operation(callerSignal);
		const timeout = this.#options.timeoutMs + SDK_TIMEOUT_GRACE_MS;
		let renewed = false;
		for (let retry = 0; ; ) {
			let connection: Connection;
			try {
				connection = await this.#ensureConnection(operation.signal);
			} catch (error) {
				// The connection retried on its own; retrying it again here would square the attempts.
				throw operation.toError(error);
			}
			let error: MCPClientError;
			const linked = linkSignal(operation.signal);
			try {
				return await send(connection.client, { signal: linked.signal, timeout });
			} catch (thrown) {
				error = operation.toError(thrown);
			} finally {
				linked.unlink();
			}
			if (!renewed && this.#isLost(connection, error)) {
				renewed = true;
				this.#forget(connection, error);
				continue;
			}
			if (!isTransient(error) || retry >= this.#options.maxRetries) throw error;
			await this.#backoff(method, error, retry++, operation);
		}
	}

	/** True when connecting again may help: a lost session, or a remembered era that went stale. */
	#isLost(connection: Connection, error: MCPClientError): boolean {
		if (connection.fromVerdict && connection.era === "modern" && refusesModern(error)) {
			forgetVerdict(this.#options.url);
			return true;
		}
		return error.code === "SESSION_EXPIRED";
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
				return toMCPClientError(error, this.#streamMark);
			},
		};
	}

	/** The live connection, or the one being opened, or a new one. */
	#ensureConnection(signal: AbortSignal): Promise<Connection> {
		if (this.#closing) return Promise.reject(closedError());
		if (this.#connection) return Promise.resolve(this.#connection);
		this.#opening ??= this.#open().finally(() => {
			this.#opening = undefined;
		});
		// The connection is shared, so one caller giving up must not cancel it for the others.
		return raceAbort(this.#opening, signal);
	}

	/** Connects, retrying transient failures; bounded by `timeoutMs` and `close()` only. */
	async #open(): Promise<Connection> {
		const operation = this.#operation(undefined);
		let useVerdict = true;
		for (let retry = 0; ; ) {
			let error: MCPClientError;
			try {
				return await this.#handshake(operation.signal, useVerdict);
			} catch (thrown) {
				error = operation.toError(thrown instanceof ConnectError ? thrown.cause : thrown);
				// A remembered era the server refuses no longer holds: forget it and probe at once.
				const refused = error.code === "HTTP" || error.code === "PROTOCOL";
				if (thrown instanceof ConnectError && thrown.fromVerdict && refused) {
					forgetVerdict(this.#options.url);
					if (useVerdict) {
						useVerdict = false;
						continue;
					}
				}
			}
			if (!isTransient(error) || retry >= this.#options.maxRetries) throw error;
			await this.#backoff("connect", error, retry++, operation);
		}
	}

	/** One connection attempt: a probe or `initialize` (2025) on a fresh SDK client. */
	async #handshake(signal: AbortSignal, useVerdict: boolean): Promise<Connection> {
		const options = this.#options;
		const presented = this.#knownId;
		const linked = linkSignal(signal);
		let connection: Connection;
		try {
			connection = await openConnection(options, {
				presentedId: presented,
				fetch: this.#fetch,
				streamMark: this.#streamMark,
				useVerdict,
				signal: linked.signal,
				timeout: options.timeoutMs + SDK_TIMEOUT_GRACE_MS,
				onTransport: (transport) => {
					this.#transport = transport;
				},
			});
		} catch (error) {
			// `initialize` may have opened a session before the handshake failed: resume it, do not orphan it.
			const opened = error instanceof ConnectError ? error.transport.sessionId : undefined;
			if (opened !== undefined) this.#knownId = opened;
			throw error;
		} finally {
			linked.unlink();
		}
		this.#connection = connection;
		this.#era = connection.era;
		if (connection.era === "modern") {
			// No sessions in 2026-07-28: nothing to resume, nothing to report.
			this.#knownId = undefined;
			options.logger.info("mcp_client.connected", { era: connection.era });
			return connection;
		}
		this.#knownId = connection.id;
		options.logger.info(
			presented !== undefined && presented === connection.id
				? "mcp_client.session_resumed"
				: "mcp_client.session_opened",
			{ session: shortId(connection.id), replaced: shortId(presented) },
		);
		this.#reportSession(connection.id);
		return connection;
	}

	/** Drops a connection the server no longer knows, so the next operation connects again. */
	#forget(connection: Connection, error: MCPClientError): void {
		// Another operation may have renewed it already; then there is nothing to drop.
		if (this.#connection !== connection) return;
		this.#connection = undefined;
		this.#options.logger.info("mcp_client.session_lost", {
			session: shortId(connection.id),
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
			await this.#options.sleep(delayMs, operation.signal);
		} catch (thrown) {
			throw operation.toError(thrown);
		}
		// An injected sleep may ignore the signal; stop here all the same.
		if (operation.signal.aborted) throw operation.toError(operation.signal.reason);
	}

	async #shutdown(): Promise<void> {
		const connection = this.#connection ?? (await this.#opening?.catch(() => undefined));
		this.#connection = undefined;
		if (connection) {
			await this.#terminate(connection);
			await connection.client.close().catch(() => undefined);
		}
		this.#knownId = undefined;
		this.#closed.abort(closedError());
	}

	/** Sends DELETE for the session, once, within `timeoutMs`. The 2026-07-28 era has nothing to end. */
	async #terminate(connection: Connection): Promise<void> {
		if (connection.id === undefined) return;
		const { logger, timeoutMs } = this.#options;
		try {
			await raceAbort(connection.transport.terminateSession(), AbortSignal.timeout(timeoutMs));
			logger.info("mcp_client.session_closed", { session: shortId(connection.id) });
		} catch (error) {
			// Not fatal: the server expires an abandoned session when it idles out.
			logger.warn("mcp_client.close_failed", {
				session: shortId(connection.id),
				error: describeError(error),
			});
		}
	}
}

/**
 * How a server that no longer speaks 2026-07-28 answers a modern request:
 * -32022, or a 2025-era refusal of a request without a session (400, 404).
 * Then the remembered verdict is stale; one extra probe costs little if not.
 */
function refusesModern(error: MCPClientError): boolean {
	if (error.rpcCode === UNSUPPORTED_PROTOCOL_VERSION_RPC_CODE) return true;
	if (error.code === "SESSION_EXPIRED") return true;
	return error.code === "HTTP" && (error.status === 400 || error.status === 404);
}

function closedError(): MCPClientError {
	return new MCPClientError("CLOSED", "The client is closed");
}

/** Enough of a session id to tell sessions apart in logs, not enough to use it. */
function shortId(id: string | undefined): string | null {
	return id === undefined ? null : id.slice(0, 8);
}
