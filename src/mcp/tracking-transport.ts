/**
 * A Transport decorator that times every JSON-RPC request passing through it
 * and reports its outcome once the response is sent. It sits between the MCP
 * SDK server and its HTTP transport, so it sees exactly what the client sees.
 */
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/server";
import {
	isJSONRPCErrorResponse,
	isJSONRPCRequest,
	isJSONRPCResultResponse,
	type JSONRPCMessage,
	type MessageExtraInfo,
	type RequestId,
} from "@modelcontextprotocol/server";
import { outcomeOf, type RequestOutcome } from "./request-outcome";

/** The outcome of one request, reported when its response leaves. */
export interface TrackedRequest extends RequestOutcome {
	readonly method: string;
	readonly toolName: string | null;
	/** Epoch ms at which the request arrived. */
	readonly startedAt: number;
	readonly durationMs: number;
}

interface Pending {
	readonly method: string;
	readonly toolName: string | null;
	readonly startedAt: number;
}

/** Wraps `inner`, calling `onDone` once per request with its outcome. */
export class TrackingTransport implements Transport {
	readonly #inner: Transport;
	readonly #onDone: (request: TrackedRequest) => void;
	readonly #now: () => number;
	readonly #pending = new Map<RequestId, Pending>();

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
		inner.onclose = () => this.onclose?.();
		inner.onerror = (error) => this.onerror?.(error);
		inner.onmessage = (message, extra) => {
			if (isJSONRPCRequest(message)) {
				const name = message.method === "tools/call" ? message.params?.name : undefined;
				this.#pending.set(message.id, {
					method: message.method,
					toolName: typeof name === "string" ? name : null,
					startedAt: this.#now(),
				});
			}
			this.onmessage?.(message, extra);
		};
	}

	start(): Promise<void> {
		return this.#inner.start();
	}

	close(): Promise<void> {
		return this.#inner.close();
	}

	async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
		const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
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
}
