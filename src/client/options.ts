/**
 * Options of `MCPClient`, their defaults in one constant, and the one place
 * that checks them, so a bad option fails at construction with a message
 * that says how to fix the call.
 */
import type { AuthProvider, OAuthClientProvider } from "@modelcontextprotocol/client";
import { type SleepFunction, sleep } from "./abort.js";
import type { InputHandlers } from "./input-handlers.js";
import { RETRY_DEFAULTS, type RetryOptions } from "./retry.js";
import type { TokenProvider } from "./token-fetch.js";

/** A `fetch`: the global one, a test double, or a wrapper that adds tracing. */
export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Fields of a log line: flat values so log search can filter on them. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * Where the client reports what it does (handshakes, retries, session
 * changes). `console` fits; the default is silent. Fields never hold headers,
 * tokens or tool arguments, and session ids are shortened.
 */
export interface MCPClientLogger {
	debug(event: string, fields?: LogFields): void;
	info(event: string, fields?: LogFields): void;
	warn(event: string, fields?: LogFields): void;
	error(event: string, fields?: LogFields): void;
}

/**
 * Which MCP era the client speaks.
 *
 * - `auto`: ask the server with `server/discover` and speak 2026-07-28 if it
 *   answers, the 2025 era (`initialize`, a session) if not. The answer is
 *   remembered per endpoint for the life of the process.
 * - `2026-07-28`: that revision or nothing (`PROTOCOL` against a 2025-era server).
 * - `legacy`: the 2025 era, without asking.
 */
export type ProtocolChoice = "auto" | "2026-07-28" | "legacy";

/** The values `protocol` accepts. */
const PROTOCOL_CHOICES: readonly ProtocolChoice[] = ["auto", "2026-07-28", "legacy"];

/** Called when the session id changes: first handshake (`oldId` undefined), or a new session after expiry. */
export type SessionChangeListener = (newId: string | undefined, oldId: string | undefined) => void;

/** Options of `MCPClient`. Only `url` is required. */
export interface MCPClientOptions extends Partial<RetryOptions>, InputHandlers {
	/** The MCP endpoint, e.g. `https://archon.example.com/mcp`. */
	readonly url: string | URL;
	/** Which era to speak; `auto` (the default) asks the server. */
	readonly protocol?: ProtocolChoice;
	/** Headers sent with every request, e.g. `{ Authorization: "Bearer …" }`. */
	readonly headers?: Readonly<Record<string, string>>;
	/**
	 * Where to get a bearer token. Called before the first request; on a 401
	 * it is called once more (one call for all the requests that failed with
	 * the same token) and the request is sent again. Its token wins over an
	 * `Authorization` in `headers`. Not together with `authProvider`.
	 */
	readonly getToken?: TokenProvider;
	/**
	 * An OAuth client provider (or the SDK's minimal `{ token }` provider),
	 * handed to the SDK's transport as is, for interactive applications: on a
	 * 401 the SDK discovers the authorization server, registers, and sends the
	 * user to sign in; the operation then fails with `UNAUTHORIZED` until
	 * `finishAuth` is called with the redirect's parameters.
	 */
	readonly authProvider?: AuthProvider | OAuthClientProvider;
	/**
	 * Most rounds of input (`input_required` results of a 2026-07-28 server)
	 * one call may take before it fails with `INPUT_ROUNDS_EXCEEDED`.
	 */
	readonly maxRounds?: number;
	/**
	 * Longest time one operation may take, in milliseconds, including retries,
	 * backoff and a re-initialize. Also bounds the handshake and `close()`.
	 */
	readonly timeoutMs?: number;
	/** `clientInfo.name` sent at `initialize`; the server derives its client type from it. */
	readonly clientName?: string;
	/** `clientInfo.version` sent at `initialize`. */
	readonly clientVersion?: string;
	/**
	 * A session id to resume, e.g. one saved before a restart. It is sent as
	 * `X-Archon-Session-Id` at the first handshake; the server resumes that
	 * session if it still lives and otherwise starts a new one.
	 */
	readonly sessionId?: string;
	/** The `fetch` to use; defaults to the global one. */
	readonly fetch?: FetchFunction;
	/** Where to log; silent by default. */
	readonly logger?: MCPClientLogger;
	/** Called whenever the session id changes, e.g. to persist it. Must not throw. */
	readonly onSessionChange?: SessionChangeListener;
	/** Random numbers in [0, 1) for backoff jitter; `Math.random` by default. For tests. */
	readonly random?: () => number;
	/** Waits between retries; a `setTimeout` sleep by default. For tests. */
	readonly sleep?: SleepFunction;
}

/** Defaults of every optional `MCPClientOptions` setting that has a value. */
export const MCP_CLIENT_DEFAULTS = {
	/** 30 seconds per operation, retries included. */
	timeoutMs: 30_000,
	protocol: "auto",
	/** Rounds of `input_required` one call may take (the SDK's own default). */
	maxRounds: 10,
	clientName: "archon-mcp-client",
	clientVersion: "0.1.0",
	...RETRY_DEFAULTS,
} as const;

/** Options after defaults and checks; what the client runs on. */
export interface ResolvedOptions extends RetryOptions, InputHandlers {
	readonly url: URL;
	readonly protocol: ProtocolChoice;
	readonly headers: Readonly<Record<string, string>>;
	readonly getToken: TokenProvider | undefined;
	readonly authProvider: AuthProvider | OAuthClientProvider | undefined;
	readonly maxRounds: number;
	readonly timeoutMs: number;
	readonly clientName: string;
	readonly clientVersion: string;
	readonly sessionId: string | undefined;
	readonly fetch: FetchFunction;
	readonly logger: MCPClientLogger;
	readonly onSessionChange: SessionChangeListener | undefined;
	readonly random: () => number;
	readonly sleep: SleepFunction;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: MCPClientLogger = {
	debug: () => {},
	info: () => {},
	warn: () => {},
	error: () => {},
};

/** Applies defaults and checks every option; throws a `TypeError` that says how to fix the call. */
export function resolveOptions(options: MCPClientOptions): ResolvedOptions {
	const url = parseUrl(options.url);
	const resolved: ResolvedOptions = {
		url,
		protocol: options.protocol ?? MCP_CLIENT_DEFAULTS.protocol,
		headers: { ...options.headers },
		getToken: options.getToken,
		authProvider: options.authProvider,
		maxRounds: options.maxRounds ?? MCP_CLIENT_DEFAULTS.maxRounds,
		onElicitation: options.onElicitation,
		onSampling: options.onSampling,
		onRoots: options.onRoots,
		timeoutMs: options.timeoutMs ?? MCP_CLIENT_DEFAULTS.timeoutMs,
		clientName: options.clientName ?? MCP_CLIENT_DEFAULTS.clientName,
		clientVersion: options.clientVersion ?? MCP_CLIENT_DEFAULTS.clientVersion,
		sessionId: options.sessionId === "" ? undefined : options.sessionId,
		// Called through a closure so a later polyfill or test stub of the global fetch is seen.
		fetch: options.fetch ?? ((input, init) => fetch(input, init)),
		logger: options.logger ?? SILENT_LOGGER,
		onSessionChange: options.onSessionChange,
		random: options.random ?? Math.random,
		sleep: options.sleep ?? sleep,
		maxRetries: options.maxRetries ?? MCP_CLIENT_DEFAULTS.maxRetries,
		initialDelayMs: options.initialDelayMs ?? MCP_CLIENT_DEFAULTS.initialDelayMs,
		maxDelayMs: options.maxDelayMs ?? MCP_CLIENT_DEFAULTS.maxDelayMs,
		factor: options.factor ?? MCP_CLIENT_DEFAULTS.factor,
	};
	requireNumber("timeoutMs", resolved.timeoutMs, 1);
	requireNumber("maxRetries", resolved.maxRetries, 0, true);
	requireNumber("initialDelayMs", resolved.initialDelayMs, 0);
	requireNumber("maxDelayMs", resolved.maxDelayMs, resolved.initialDelayMs);
	requireNumber("factor", resolved.factor, 1);
	requireNumber("maxRounds", resolved.maxRounds, 1, true);
	if (!PROTOCOL_CHOICES.includes(resolved.protocol)) {
		throw new TypeError(
			`MCPClient: protocol must be one of ${PROTOCOL_CHOICES.map((p) => `"${p}"`).join(", ")}; got "${String(resolved.protocol)}".`,
		);
	}
	if (resolved.getToken && resolved.authProvider) {
		throw new TypeError(
			"MCPClient: pass getToken or authProvider, not both: getToken supplies bearer tokens you already have, authProvider runs OAuth.",
		);
	}
	for (const name of ["getToken", "onElicitation", "onSampling", "onRoots"] as const) {
		const value = options[name];
		if (value !== undefined && typeof value !== "function") {
			throw new TypeError(`MCPClient: ${name} must be a function; got ${typeof value}.`);
		}
	}
	return resolved;
}

function parseUrl(raw: string | URL): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new TypeError(
			`MCPClient: url must be an absolute http(s) URL such as https://archon.example.com/mcp; got "${String(raw)}".`,
		);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new TypeError(`MCPClient: url must use http or https; got "${url.protocol}".`);
	}
	return url;
}

function requireNumber(name: string, value: number, min: number, integer = false): void {
	if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
		const kind = integer ? "a whole number" : "a finite number";
		throw new TypeError(`MCPClient: ${name} must be ${kind} >= ${min}; got ${value}.`);
	}
}
