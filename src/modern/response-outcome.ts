/**
 * Reads how a modern request ended from its HTTP response, the only place the
 * SDK's handler shows it: a JSON body is read at once; an SSE stream is passed
 * through untouched (keep-alive comments included) while its frames are
 * scanned for the response to the request, and the outcome is reported when
 * the stream ends or when the client closes it, which cancels the request
 * (2026-07-28 basic/transports/streamable-http#cancellation).
 */
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/server";
import { failed, outcomeOf, type RequestOutcome } from "../mcp/request-outcome";

/** What the log says of a request whose client closed its stream before the response. */
export const CANCELLED_BY_CLIENT = "Cancelled: the client closed the response stream";

/**
 * The response to hand the client, equivalent to `response`, and a call of
 * `onDone` exactly once with the outcome of the request `id` (null when the
 * body carried none a response could echo).
 */
export async function observeOutcome(
	response: Response,
	id: RequestId | null,
	onDone: (outcome: RequestOutcome) => void,
): Promise<Response> {
	const isStream =
		response.headers.get("content-type")?.split(";", 1)[0]?.trim() === "text/event-stream";
	if (!isStream || response.body === null) {
		const text = await response.text();
		onDone(outcomeOfBody(response.status, text, id));
		return new Response(text === "" ? null : text, response);
	}
	return new Response(watchStream(response.body, id, onDone), response);
}

/** The outcome of a complete JSON (or empty) answer. */
function outcomeOfBody(status: number, text: string, id: RequestId | null): RequestOutcome {
	const answer = answerTo(parseJson(text), id);
	if (answer) return answer;
	// The SDK's handler answers 499 when the client went away before a response was produced.
	if (status === 499) return failed(CANCELLED_BY_CLIENT);
	if (status >= 400) return failed(`HTTP ${status}`);
	return { status: "success", errorMessage: null };
}

/** `body`, passed through chunk by chunk while its SSE frames are scanned for the response. */
function watchStream(
	body: ReadableStream<Uint8Array>,
	id: RequestId | null,
	onDone: (outcome: RequestOutcome) => void,
): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let pending = "";
	let outcome: RequestOutcome | undefined;
	let reported = false;
	const report = (final: RequestOutcome) => {
		if (reported) return;
		reported = true;
		onDone(final);
	};
	const scan = (text: string) => {
		pending += text.replaceAll("\r\n", "\n");
		let end = pending.indexOf("\n\n");
		while (end !== -1) {
			outcome = answerTo(parseJson(dataOf(pending.slice(0, end))), id) ?? outcome;
			pending = pending.slice(end + 2);
			end = pending.indexOf("\n\n");
		}
	};
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) {
					scan(decoder.decode());
					report(outcome ?? failed("The response stream ended without a response"));
					controller.close();
					return;
				}
				scan(decoder.decode(value, { stream: true }));
				controller.enqueue(value);
			} catch (error) {
				report(outcome ?? failed(CANCELLED_BY_CLIENT));
				controller.error(error);
			}
		},
		async cancel(reason) {
			// Closing the stream is the client's cancellation; the SDK stops the request when its stream is cancelled.
			report(outcome ?? failed(CANCELLED_BY_CLIENT));
			await reader.cancel(reason).catch(() => {});
		},
	});
}

/** The data of one SSE event: its `data:` lines joined; comments and other fields dropped. */
function dataOf(event: string): string {
	return event
		.split("\n")
		.filter((line) => line.startsWith("data:"))
		.map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
		.join("\n");
}

function parseJson(text: string): unknown {
	if (text === "") return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * The outcome carried by `value` when it is the JSON-RPC response to request
 * `id`; a rejection the handler could not tie to a request echoes a null id.
 */
function answerTo(value: unknown, id: RequestId | null): RequestOutcome | undefined {
	if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
	const message = value as { id?: unknown; result?: unknown; error?: { message?: unknown } };
	if (message.id !== id && message.id !== null && message.id !== undefined) return undefined;
	if (typeof message.error === "object" && message.error !== null) {
		return failed(String(message.error.message ?? "Error"));
	}
	return "result" in message ? outcomeOf(value as JSONRPCMessage) : undefined;
}
