/**
 * Helpers that shape tool results the same way for every tool.
 */
import type { CallToolResult } from "@modelcontextprotocol/server";

/** A successful result carrying `data` both as structured content and as JSON text for older clients. */
export function jsonResult(data: Record<string, unknown>): CallToolResult {
	return {
		content: [{ type: "text", text: JSON.stringify(data, null, 2) }],
		structuredContent: data,
	};
}

/** A successful result of one text item. */
export function textResult(text: string): CallToolResult {
	return { content: [{ type: "text", text }] };
}

/** A tool-level failure: the call completed, and the client reads `isError` and the message. */
export function errorResult(message: string): CallToolResult {
	return { content: [{ type: "text", text: message }], isError: true };
}
