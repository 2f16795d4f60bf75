/**
 * The live MCP conversation of a session object: one MCP server and one
 * stateful Streamable HTTP transport named by the session id, kept for as
 * long as the object stays in memory. Because every POST of the session
 * reaches the same transport, a client's answer to a server-to-client request
 * (`elicitation/create`, `sampling/createMessage`, `roots/list`, sent on the
 * stream of the call that needs it) resolves the request that waits for it.
 *
 * After an eviction or a restart the object restores one from its stored
 * record, through the transport's public door: a replayed `initialize` (the
 * stored handshake) gives the SDK back the negotiated revision and the
 * client's capabilities, and a replayed `logging/setLevel` the stored level.
 * Neither is tracked or logged for replay. Nothing here holds a timer once no
 * request is in flight, so an idle object can still be evicted.
 */
import {
	type AuthInfo,
	isSpecType,
	type JSONRPCMessage,
	type LoggingLevel,
	WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { UserRole } from "../db/identity-schema";
import { isRequestMessage } from "../mcp/message-kind";
import { Header } from "../mcp/protocol";
import { createMcpServer, type ResourceSubscriptions } from "../mcp/server";
import { type TrackedRequest, TrackingTransport } from "../mcp/tracking-transport";
import type { SessionEventStore } from "./session-event-store";
import type { SessionRecord } from "./session-record";

/** What an SSE priming event tells clients to wait before they reconnect (1 second; 2025-11-25 transports). */
export const SSE_RETRY_MS = 1000;

/** JSON-RPC id of the requests a restore replays; they never reach a client. */
const RESTORE_REQUEST_ID = "archon-restore";

/** What a connection is built from: the object's dependencies, none of its state. */
export interface ConnectionDeps {
	readonly sessionId: string;
	readonly env: Env;
	/** The current stored record (tools read it at call time). */
	readonly session: () => SessionRecord | undefined;
	/** The role of the session's user, as verified for the latest request. */
	readonly role: () => UserRole | null;
	readonly events: SessionEventStore;
	readonly subscriptions: ResourceSubscriptions;
	/** Called once per request the client sent, when its response leaves (or it ends without one). */
	readonly onDone: (request: TrackedRequest) => void;
}

/** One MCP server and its transport, serving every request of one session. */
export class SessionConnection {
	readonly #transport: WebStandardStreamableHTTPServerTransport;
	readonly #tracking: TrackingTransport;
	readonly #events: SessionEventStore;

	private constructor(deps: ConnectionDeps) {
		this.#events = deps.events;
		this.#transport = new WebStandardStreamableHTTPServerTransport({
			sessionIdGenerator: () => deps.sessionId,
			eventStore: deps.events,
			retryInterval: SSE_RETRY_MS,
		});
		this.#tracking = new TrackingTransport(this.#transport, deps.onDone);
	}

	/** A connection whose first message will be the client's own `initialize`. */
	static async open(deps: ConnectionDeps): Promise<SessionConnection> {
		const connection = new SessionConnection(deps);
		const server = createMcpServer(
			{ env: deps.env, session: deps.session, role: deps.role },
			{ subscriptions: deps.subscriptions },
		);
		await server.connect(connection.#tracking);
		return connection;
	}

	/** A connection in the state `record` describes, for a session this instance did not open. */
	static async restore(
		deps: ConnectionDeps,
		record: SessionRecord,
		url: string,
	): Promise<SessionConnection> {
		const connection = await SessionConnection.open(deps);
		await connection.#tracking.untracked(() =>
			connection.#events.unlogged(() => connection.#replayHandshake(record, url)),
		);
		return connection;
	}

	/** Serves one HTTP request of the session (POST, or GET with `Last-Event-ID`). */
	handle(
		request: Request,
		body?: JSONRPCMessage | JSONRPCMessage[],
		caller?: AuthInfo,
	): Promise<Response> {
		return this.#transport.handleRequest(request, { parsedBody: body, authInfo: caller });
	}

	/** Ends every stream; requests still in flight are recorded as cut off. */
	close(): Promise<void> {
		return this.#tracking.close();
	}

	async #replayHandshake(record: SessionRecord, url: string): Promise<void> {
		await this.#replay(url, null, "initialize", {
			protocolVersion: record.protocolVersion,
			capabilities: record.clientCapabilities ?? {},
			clientInfo: { name: record.clientName ?? "unknown", version: record.clientVersion ?? "0" },
		});
		if (record.logLevel) {
			await this.#replay(url, record, "logging/setLevel", { level: record.logLevel });
		}
	}

	/** Sends one request to the transport as a client would, and checks that it succeeded. */
	async #replay(
		url: string,
		session: SessionRecord | null,
		method: string,
		params: Record<string, unknown>,
	): Promise<void> {
		const headers: Record<string, string> = {
			accept: "application/json, text/event-stream",
			"content-type": "application/json",
		};
		if (session) {
			headers[Header.McpSessionId] = session.id;
			headers[Header.ProtocolVersion] = session.protocolVersion;
		}
		const body = { jsonrpc: "2.0", id: RESTORE_REQUEST_ID, method, params } as const;
		const response = await this.#transport.handleRequest(
			new Request(url, { method: "POST", headers }),
			{ parsedBody: body },
		);
		const answered = sseData(await response.text()).some(
			(data) => (JSON.parse(data) as { result?: unknown }).result !== undefined,
		);
		if (response.status !== 200 || !answered) {
			throw new Error(`Restoring the session failed at ${method}: HTTP ${response.status}`);
		}
	}
}

/** The non-empty `data` fields of an SSE body (the transport writes each on one line). */
function sseData(body: string): string[] {
	return body
		.split("\n")
		.filter((line) => line.startsWith("data: ") && line.length > "data: ".length)
		.map((line) => line.slice("data: ".length));
}

/**
 * The one connection of a session object instance: built on first use and
 * shared by concurrent callers, replaced by a new handshake, closed when the
 * session ends. A build that failed is tried again by the next caller.
 */
export class ConnectionSlot {
	#current: Promise<SessionConnection> | undefined;

	/** The current connection, or one restored from `record` (this instance did not open the session). */
	current(deps: ConnectionDeps, record: SessionRecord, url: string): Promise<SessionConnection> {
		return this.#current ?? this.#hold(SessionConnection.restore(deps, record, url));
	}

	/**
	 * A new connection for the client's own `initialize` (a transport accepts
	 * one); the previous one is closed, and the returned promise settles once it is.
	 */
	async replace(deps: ConnectionDeps): Promise<SessionConnection> {
		const previous = this.close();
		const next = this.#hold(SessionConnection.open(deps));
		await previous;
		return next;
	}

	/** Closes the current connection, if any: its streams end, requests in flight are recorded as cut off. */
	async close(): Promise<void> {
		const current = this.#current;
		this.#current = undefined;
		await (await current?.catch(() => undefined))?.close();
	}

	#hold(building: Promise<SessionConnection>): Promise<SessionConnection> {
		this.#current = building;
		building.catch(() => {
			if (this.#current === building) this.#current = undefined;
		});
		return building;
	}
}

/** The level the last valid `logging/setLevel` among `messages` (validated by the Worker) asks for, if any. */
export function requestedLogLevel(messages: readonly JSONRPCMessage[]): LoggingLevel | undefined {
	let level: LoggingLevel | undefined;
	for (const message of messages) {
		if (!isRequestMessage(message) || message.method !== "logging/setLevel") continue;
		const requested = message.params?.level;
		if (isSpecType.LoggingLevel(requested)) level = requested;
	}
	return level;
}
