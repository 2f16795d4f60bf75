/**
 * Watches the response stream of one JSON-RPC request for a cut: a stream
 * that ends (or fails) before the answer arrived. The SDK leaves such a
 * request waiting for its timeout unless it can resume the stream, so the
 * watcher ends the wait itself by appending an error response for the
 * request, marked as this client's own; `MCPClient` turns it into a
 * `NETWORK` error, and the retry policy sends the request again under a new
 * JSON-RPC id (MCP 2026-07-28, Streamable HTTP: a request whose stream broke
 * is re-issued, not resumed).
 *
 * A 2025-era stream that carried an SSE event id is left alone: the SDK
 * resumes it with `Last-Event-ID` after the server's `retry` delay.
 */

/** The JSON-RPC `error.data` of the appended answer: the client's mark, so a server cannot fake one. */
interface StreamBreakData {
	readonly archonStreamBreak: string;
}

/** How to watch one response. */
export interface StreamWatch {
	/** The id of the JSON-RPC request the stream answers. */
	readonly requestId: string | number;
	/** True for a 2025-era exchange, whose streams the SDK resumes when they carry event ids. */
	readonly resumable: boolean;
	/** The client's mark (random per client), carried in the appended answer. */
	readonly mark: string;
	/** The request's signal: an aborted request is not a cut stream. */
	readonly signal: AbortSignal | undefined;
}

/** True when `data` (a JSON-RPC error's data) is the appended answer of the client with `mark`. */
export function isStreamBreak(data: unknown, mark: string): boolean {
	return (
		typeof data === "object" &&
		data !== null &&
		(data as Partial<StreamBreakData>).archonStreamBreak === mark
	);
}

/** The response with its SSE body watched as described above; other responses are returned as is. */
export function watchResponseStream(response: Response, watch: StreamWatch): Response {
	const body = response.body;
	const type = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
	if (body === null || type !== "text/event-stream") return response;
	const reader = body.getReader();
	const scanner = new SseScanner(watch.requestId);
	const encoder = new TextEncoder();
	const decoder = new TextDecoder();
	const appendBreak = (controller: ReadableStreamDefaultController<Uint8Array>) => {
		const data: StreamBreakData = { archonStreamBreak: watch.mark };
		const answer = JSON.stringify({
			jsonrpc: "2.0",
			id: watch.requestId,
			error: { code: -32000, message: "The response stream ended before the answer", data },
		});
		// Blank lines first: they end any event the cut left half-written.
		controller.enqueue(encoder.encode(`\n\nevent: message\ndata: ${answer}\n\n`));
	};
	const watched = new ReadableStream<Uint8Array>({
		async pull(controller) {
			let chunk: Awaited<ReturnType<typeof reader.read>>;
			try {
				chunk = await reader.read();
			} catch (error) {
				if (watch.signal?.aborted || (watch.resumable && scanner.sawEventId)) {
					controller.error(error);
					return;
				}
				appendBreak(controller);
				controller.close();
				return;
			}
			if (chunk.done) {
				const resumes = watch.resumable && scanner.sawEventId;
				if (!scanner.answered && !resumes && !watch.signal?.aborted) appendBreak(controller);
				controller.close();
				return;
			}
			scanner.scan(decoder.decode(chunk.value, { stream: true }));
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
