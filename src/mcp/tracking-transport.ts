/**
 * A Transport decorator that times every JSON-RPC request passing through it
 * and reports its outcome once the response is sent. It sits between the MCP
 * SDK server and its HTTP transport, so it sees exactly what the client sees.
 * A request that never gets a response (cancelled by the client, or cut off
 * by the transport closing) is reported as an error when that happens, so
 * every request is reported exactly once.
 */
import type {
	JSONRPCMessage,
	MessageExtraInfo,
	RequestId,
	Transport,
	TransportSendOptions,
} from "@modelcontextprotocol/server";
import { traceparentOf } from "../telemetry/trace-context";
import {
	isErrorMessage,
	isNotificationMessage,
	isRequestMessage,
	isResultMessage,
} from "./message-kind";
import { outcomeOf, type RequestOutcome } from "./request-outcome";
import { cutChars, MAX_NAME_CHARS } from "./stored-strings";

/** What a request that ended without a response is recorded with. */
const CANCELLED = "Cancelled by the client";
const CLOSED = "Connection closed before the response";

/** The outcome of one request, reported when its response leaves. */
export interface TrackedRequest extends RequestOutcome {
	readonly method: string;
	readonly toolName: string | null;
	/** Epoch ms at which the request arrived. */
	readonly startedAt: number;
	readonly durationMs: number;
	/** The request's JSON-RPC id. */
	readonly jsonrpcId: RequestId;
	/** The client's W3C `traceparent` from `params._meta`, or null. */
	readonly traceparent: string | null;
}

interface Pending {
	readonly method: string;
	readonly toolName: string | null;
	readonly startedAt: number;
	readonly jsonrpcId: RequestId;
	readonly traceparent: string | null;
}

/** Wraps `inner`, calling `onDone` once per request with its outcome. */
export class TrackingTransport implements Transport {
	readonly #inner: Transport;
	readonly #onDone: (request: TrackedRequest) => void;
	readonly #now: () => number;
	readonly #pending = new Map<RequestId, Pending>();
	#muted = false;

	onclose?: () => void;
	onerror?: (error: Error) => void;
	onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

	constructor(
		inner: Transport,
		onDone: (request: TrackedRequest) => void,
		now: () => number = Date.now,
	) {
		this.#inner = inner;
		this.#onDone = onDone;
		this.#now = now;
		inner.onclose = () => {
			for (const id of [...this.#pending.keys()]) this.#abandon(id, CLOSED);
			this.onclose?.();
		};
		inner.onerror = (error) => this.onerror?.(error);
		inner.onmessage = (message, extra) => {
			// The transport validated the message before handing it on.
			if (isRequestMessage(message) && !this.#muted) {
				const name = message.method === "tools/call" ? message.params?.name : undefined;
				this.#pending.set(message.id, {
					method: cutChars(message.method, MAX_NAME_CHARS),
					toolName: typeof name === "string" ? cutChars(name, MAX_NAME_CHARS) : null,
					startedAt: this.#now(),
					jsonrpcId: message.id,
					traceparent: traceparentOf(message.params),
				});
			} else if (isNotificationMessage(message) && message.method === "notifications/cancelled") {
				// The SDK drops the result of a cancelled request, so no response will come.
				const id = message.params?.requestId;
				if (typeof id === "string" || typeof id === "number") this.#abandon(id, CANCELLED);
			}
			this.onmessage?.(message, extra);
		};
	}

	/** The inner transport's session id (the SDK keys session state such as the log level by it). */
	get sessionId(): string | undefined {
		return this.#inner.sessionId;
	}

	setProtocolVersion(version: string): void {
		this.#inner.setProtocolVersion?.(version);
	}

	setSupportedProtocolVersions(versions: string[]): void {
		this.#inner.setSupportedProtocolVersions?.(versions);
	}

	/**
	 * Runs `work` without tracking the requests it delivers: for messages the
	 * server replays to itself (restoring a session), never for a client's.
	 */
	async untracked<T>(work: () => Promise<T>): Promise<T> {
		this.#muted = true;
		try {
			return await work();
		} finally {
			this.#muted = false;
		}
	}

	start(): Promise<void> {
		return this.#inner.start();
	}

	close(): Promise<void> {
		return this.#inner.close();
	}

	async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
		// The server built the message.
		const isResponse = isResultMessage(message) || isErrorMessage(message);
		const id = isResponse ? message.id : undefined;
		const pending = id === undefined ? undefined : this.#pending.get(id);
		if (id === undefined || !pending) return this.#inner.send(message, options);
		this.#pending.delete(id);
		try {
			await this.#inner.send(message, options);
		} finally {
			this.#onDone({
				...pending,
				durationMs: this.#now() - pending.startedAt,
				...outcomeOf(message),
			});
		}
	}

	#abandon(id: RequestId, reason: string): void {
		const pending = this.#pending.get(id);
		if (!pending) return;
		this.#pending.delete(id);
		this.#onDone({
			...pending,
			durationMs: this.#now() - pending.startedAt,
			status: "error",
			errorMessage: reason,
		});
	}
}
