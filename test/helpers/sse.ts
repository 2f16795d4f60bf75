/**
 * Reads an SSE response one event at a time, for tests that must act in the
 * middle of a stream (answer a server-to-client request, cut and resume it).
 */
import type { JsonRpcMessage } from "./mcp";

/** One SSE event as the server wrote it. */
export interface SseEvent {
	readonly id: string | undefined;
	readonly retry: number | undefined;
	/** The data field; empty for a priming event. */
	readonly data: string;
}

/** Incremental reader of one SSE response body. */
export class SseReader {
	readonly #reader: ReadableStreamDefaultReader<string>;
	#buffer = "";

	constructor(response: Response) {
		if (!response.body) throw new Error("The response has no body");
		this.#reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
	}

	/** The next event, or undefined once the stream has ended. */
	async next(): Promise<SseEvent | undefined> {
		for (;;) {
			const end = this.#buffer.indexOf("\n\n");
			if (end >= 0) {
				const block = this.#buffer.slice(0, end);
				this.#buffer = this.#buffer.slice(end + 2);
				return parseEvent(block);
			}
			const { value, done } = await this.#reader.read();
			if (done) return undefined;
			this.#buffer += value;
		}
	}

	/** The next event that carries a JSON-RPC message (priming events skipped); throws at the end. */
	async nextMessage(): Promise<JsonRpcMessage & { eventId: string | undefined }> {
		for (;;) {
			const event = await this.next();
			if (!event) throw new Error("The stream ended before another message");
			if (event.data.trim() !== "") {
				return { ...(JSON.parse(event.data) as JsonRpcMessage), eventId: event.id };
			}
		}
	}

	/** Stops reading: the client goes away, as a cancelling client does. */
	cancel(): Promise<void> {
		return this.#reader.cancel();
	}

	/** Every remaining event, until the server ends the stream. */
	async rest(): Promise<SseEvent[]> {
		const events: SseEvent[] = [];
		for (let event = await this.next(); event; event = await this.next()) events.push(event);
		return events;
	}
}

function parseEvent(block: string): SseEvent {
	let id: string | undefined;
	let retry: number | undefined;
	const data: string[] = [];
	for (const line of block.split("\n")) {
		const colon = line.indexOf(":");
		const field = colon < 0 ? line : line.slice(0, colon);
		const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
		if (field === "id") id = value;
		else if (field === "retry") retry = Number(value);
		else if (field === "data") data.push(value);
	}
	return { id, retry, data: data.join("\n") };
}
