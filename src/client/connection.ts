/**
 * One connection to the server: a fresh SDK `Client` over its Streamable HTTP
 * transport, connected in the era the options ask for. In the 2025 era that
 * is one session (`initialize`, `Mcp-Session-Id`); in the 2026-07-28 era
 * there is no session, and a remembered verdict connects without a round trip.
 */
import {
	Client,
	type PriorDiscovery,
	type ProtocolEra,
	StreamableHTTPClientTransport,
	type VersionNegotiationMode,
} from "@modelcontextprotocol/client";
import { describeError } from "./errors.js";
import { inputCapabilities, registerInputHandlers } from "./input-handlers.js";
import type { FetchFunction, ProtocolChoice, ResolvedOptions } from "./options.js";
import { type ProtocolVerdict, recallVerdict, rememberVerdict } from "./protocol-verdicts.js";
import { createTransportFetch } from "./transport-fetch.js";

/** Most tool pages `listTools` follows; a server that never stops sending cursors is cut off here. */
const MAX_TOOL_PAGES = 100;

/** One SDK client and transport: one session in the 2025 era, none in 2026-07-28. */
export interface Connection {
	readonly client: Client;
	readonly transport: StreamableHTTPClientTransport;
	/** The session id; undefined in the 2026-07-28 era and for a stateless 2025 server. */
	readonly id: string | undefined;
	readonly era: ProtocolEra;
	/** True when the connection was built on a remembered verdict rather than a probe. */
	readonly fromVerdict: boolean;
}

/** What one connection attempt needs besides the options. */
export interface ConnectRequest {
	/** The session id to offer as `X-Archon-Session-Id` at `initialize`. */
	readonly presentedId: string | undefined;
	/** The fetch with `getToken`'s header, when set. */
	readonly fetch: FetchFunction;
	/** The client's mark for answers appended to cut streams. */
	readonly streamMark: string;
	/** Whether to use a remembered verdict (false after one failed). */
	readonly useVerdict: boolean;
	readonly signal: AbortSignal;
	/** The SDK's per-request timer, in milliseconds. */
	readonly timeout: number;
	/** Receives the transport before it connects (the OAuth flow's `finishAuth` needs it). */
	readonly onTransport: (transport: StreamableHTTPClientTransport) => void;
}

/** The connection failed; `transport` may hold a session `initialize` opened before the failure. */
export class ConnectError extends Error {
	readonly transport: StreamableHTTPClientTransport;
	readonly fromVerdict: boolean;

	constructor(transport: StreamableHTTPClientTransport, fromVerdict: boolean, cause: unknown) {
		super("connect failed", { cause });
		this.transport = transport;
		this.fromVerdict = fromVerdict;
	}
}

/** Connects a fresh SDK client; rejects with `ConnectError` wrapping what the SDK threw. */
export async function openConnection(
	options: ResolvedOptions,
	request: ConnectRequest,
): Promise<Connection> {
	const transport = new StreamableHTTPClientTransport(options.url, {
		fetch: createTransportFetch({
			endpoint: options.url,
			fetch: request.fetch,
			resumeId: () => request.presentedId,
			oauth: options.authProvider !== undefined,
			streamMark: request.streamMark,
		}),
		requestInit: { headers: { ...options.headers } },
		authProvider: options.authProvider,
		// The SDK's SSE reconnects (Last-Event-ID) follow the same policy as our retries; a server's
		// `retry` field replaces the backoff, and the wait goes through the `sleep` option.
		reconnectionOptions: {
			initialReconnectionDelay: options.initialDelayMs,
			maxReconnectionDelay: options.maxDelayMs,
			reconnectionDelayGrowFactor: options.factor,
			maxRetries: options.maxRetries,
		},
		reconnectionScheduler: (reconnect, delayMs, attempt) => {
			options.logger.debug("mcp_client.stream_resume", { delayMs, attempt: attempt + 1 });
			const stop = new AbortController();
			options.sleep(delayMs, stop.signal).then(reconnect, () => undefined);
			return () => stop.abort();
		},
	});
	request.onTransport(transport);
	const client = new Client(
		{ name: options.clientName, version: options.clientVersion },
		{
			capabilities: inputCapabilities(options),
			versionNegotiation: { mode: negotiationMode(options.protocol) },
			inputRequired: { maxRounds: options.maxRounds },
			listMaxPages: MAX_TOOL_PAGES,
		},
	);
	registerInputHandlers(client, options);
	client.onerror = (error) =>
		options.logger.debug("mcp_client.transport_error", { error: describeError(error) });
	const prior = request.useVerdict ? usableVerdict(options) : undefined;
	try {
		// The SDK probes or sends `initialize` (then `notifications/initialized`), and closes itself on failure.
		await client.connect(transport, {
			signal: request.signal,
			timeout: request.timeout,
			prior: prior && toPrior(prior),
		});
	} catch (error) {
		throw new ConnectError(transport, prior !== undefined, error);
	}
	const era = client.getProtocolEra() ?? "legacy";
	remember(options, client, era);
	return { client, transport, id: transport.sessionId, era, fromVerdict: prior !== undefined };
}

function negotiationMode(protocol: ProtocolChoice): VersionNegotiationMode {
	if (protocol === "2026-07-28") return { pin: protocol };
	return protocol;
}

/** The remembered verdict this client may adopt: any in `auto`, a modern one when pinned. */
function usableVerdict(options: ResolvedOptions): ProtocolVerdict | undefined {
	if (options.protocol === "legacy") return undefined;
	const verdict = recallVerdict(options.url);
	if (options.protocol === "2026-07-28" && verdict?.kind !== "modern") return undefined;
	return verdict;
}

function toPrior(verdict: ProtocolVerdict): PriorDiscovery {
	return verdict.kind === "modern" ? { kind: "modern", discover: verdict.discover } : verdict;
}

/** Remembers what the connection found, for the next client of the same endpoint. */
function remember(options: ResolvedOptions, client: Client, era: ProtocolEra): void {
	if (options.protocol === "legacy") return;
	const discover = client.getDiscoverResult();
	if (era === "modern" && discover) rememberVerdict(options.url, { kind: "modern", discover });
	else if (era === "legacy" && options.protocol === "auto")
		rememberVerdict(options.url, { kind: "legacy" });
}
