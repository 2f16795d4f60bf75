/**
 * Watches the response body of one JSON-RPC request for a cut: a body that
 * ends (or fails) before the answer arrived. Left alone, the SDK waits for
 * its timeout on a cut SSE stream and reports a cut JSON body as a parse
 * error; the watcher turns both into a `NETWORK` error instead, and the
 * retry policy sends the request again under a new JSON-RPC id (MCP
 * 2026-07-28, Streamable HTTP: a request whose stream broke is re-issued,
 * not resumed).
 *
 * - An SSE stream gets an error response for the request appended, marked
 *   as this client's own (`STREAM_BREAK_DATA_KEY`), which `MCPClient` maps;
 * - a JSON body fails with the `NETWORK` error itself, which the SDK passes on.
 *
 * A 2025-era stream that carried an SSE event id is left alone: the SDK
 * resumes it with `Last-Event-ID` after the server's `retry` delay.
 */
import { MCPClientError, STREAM_BREAK_DATA_KEY } from "./errors.js";

/** How to watch one response. */
export interface StreamWatch {
	/** The id of the JSON-RPC request the body answers. */
	readonly requestId: string | number;
	/** True for a 2025-era exchange, whose streams the SDK resumes when they carry event ids. */
	readonly resumable: boolean;
	/** The client's mark (random per client), carried in the appended answer. */
	readonly mark: string;
	/** The request's signal: an aborted request is not a cut stream. */
	readonly signal: AbortSignal | undefined;
}

/** What a cut is reported as. */
const CUT_MESSAGE = "The response stream ended before the answer";

/** The response with its SSE or JSON body watched as described above; others are returned as is. */
export function watchResponseStream(response: Response, watch: StreamWatch): Response {
	const body = response.body;
	const type = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
	if (body === null) return response;
	const watcher =
		type === "text/event-stream"
			? sseWatcher(watch)
			: type === "application/json"
				? jsonWatcher()
				: undefined;
	if (!watcher) return response;
	const reader = body.getReader();
	const decoder = new TextDecoder();
	const watched = new ReadableStream<Uint8Array>({
		async pull(controller) {
			let chunk: Awaited<ReturnType<typeof reader.read>>;
			try {
				chunk = await reader.read();
			} catch (error) {
				if (watch.signal?.aborted) controller.error(error);
				else watcher.failed(controller, error);
				return;
			}
			if (chunk.done) {
				watcher.ended(controller, decoder.decode(), watch.signal?.aborted === true);
				return;
			}
			watcher.scan(decoder.decode(chunk.value, { stream: true }));
			controller.enqueue(chunk.value);
		},
		cancel(reason) {
			return reader.cancel(reason);
		},
	});
	return new Response(watched, {
		status: response.status,
		statusText: response.statusText,
		headers: response.headers,
	});
}

/** What a watcher does with the text of a body and with its end. */
interface Watcher {
	scan(text: string): void;
	/** The body ended; `rest` is the decoder's last text. */
	ended(
		controller: ReadableStreamDefaultController<Uint8Array>,
		rest: string,
		aborted: boolean,
	): void;
	/** Reading the body failed. */
	failed(controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void;
}

/** SSE: appends a marked error answer when the stream ends or fails unanswered and cannot resume. */
function sseWatcher(watch: StreamWatch): Watcher {
	const scanner = new SseScanner(watch.requestId);
	const resumes = () => watch.resumable && scanner.sawEventId;
	const appendBreak = (controller: ReadableStreamDefaultController<Uint8Array>) => {
		const answer = JSON.stringify({
			jsonrpc: "2.0",
			id: watch.requestId,
			error: { code: -32000, message: CUT_MESSAGE, data: { [STREAM_BREAK_DATA_KEY]: watch.mark } },
		});
		// Blank lines first: they end any event the cut left half-written.
		controller.enqueue(new TextEncoder().encode(`\n\nevent: message\ndata: ${answer}\n\n`));
	};
	return {
		scan: (text) => scanner.scan(text),
		ended(controller, _rest, aborted) {
			if (!scanner.answered && !resumes() && !aborted) appendBreak(controller);
			controller.close();
		},
		failed(controller, error) {
			if (resumes()) {
				controller.error(error);
				return;
			}
			appendBreak(controller);
			controller.close();
		},
	};
}

/** JSON: fails with NETWORK when the body fails, or ends without being whole JSON. */
function jsonWatcher(): Watcher {
	const parts: string[] = [];
	return {
		scan: (text) => void parts.push(text),
		ended(controller, rest, aborted) {
			parts.push(rest);
			if (aborted || isJson(parts.join(""))) controller.close();
			else controller.error(new MCPClientError("NETWORK", CUT_MESSAGE));
		},
		failed(controller, error) {
			controller.error(new MCPClientError("NETWORK", CUT_MESSAGE, { cause: error }));
		},
	};
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

/**
 * Just enough of an SSE parser (WHATWG HTML, "Server-sent events") to see
 * event ids and whether an event carried the answer to the request.
 */
class SseScanner {
	readonly #requestId: string | number;
	#pending = "";
	#data: string[] = [];
	sawEventId = false;
	answered = false;

	constructor(requestId: string | number) {
		this.#requestId = requestId;
	}

	scan(text: string): void {
		const lines = (this.#pending + text).split(/\r\n|\r|\n/);
		this.#pending = lines.pop() ?? "";
		for (const line of lines) this.#line(line);
	}

	#line(line: string): void {
		if (line === "") {
			if (this.#data.length > 0) this.#event(this.#data.join("\n"));
			this.#data = [];
			return;
		}
		const colon = line.indexOf(":");
		const field = colon === -1 ? line : line.slice(0, colon);
		const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
		if (field === "data") this.#data.push(value);
		else if (field === "id" && value !== "") this.sawEventId = true;
	}

	#event(data: string): void {
		try {
			const message = JSON.parse(data) as { id?: unknown; result?: unknown; error?: unknown };
			const isResponse = "result" in message || "error" in message;
			if (isResponse && message.id === this.#requestId) this.answered = true;
		} catch {
			// Not JSON: not the answer.
		}
	}
}
