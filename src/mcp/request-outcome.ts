/**
 * What one request's response means for the request log, in either era:
 * success, or an error and the message a client reads (a JSON-RPC error, or a
 * tool result with `isError`). The legacy lane reads it off the session's
 * transport (`tracking-transport.ts`), the modern lane off the HTTP response
 * (`src/modern/response-outcome.ts`).
 */
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import type { RequestStatus } from "../db/schema";
import { isErrorMessage, isResultMessage } from "./message-kind";
import { cutUtf8, MAX_ERROR_MESSAGE_BYTES } from "./stored-strings";

/** How a request ended, as the request log records it. */
export interface RequestOutcome {
	readonly status: RequestStatus;
	readonly errorMessage: string | null;
}

/** The outcome a client reads from the response `message` (a validated one: `message-kind.ts`). */
export function outcomeOf(message: JSONRPCMessage): RequestOutcome {
	if (isErrorMessage(message)) return failed(message.error.message);
	const result = isResultMessage(message) ? message.result : undefined;
	if (result?.isError === true) {
		const content = Array.isArray(result.content) ? result.content : [];
		const text = content.find(
			(part): part is { type: "text"; text: string } =>
				typeof part === "object" && part !== null && part.type === "text",
		);
		return failed(text?.text ?? "Tool returned an error");
	}
	return { status: "success", errorMessage: null };
}

/** An error outcome with `message`, cut to the size the log keeps. */
export function failed(message: string): RequestOutcome {
	return { status: "error", errorMessage: cutUtf8(message, MAX_ERROR_MESSAGE_BYTES) };
}
