/**
 * Splits a streamed NDJSON body into lines, shared by the admin API (request
 * bodies) and the admin command (files, server answers). Memory stays bounded
 * by the longest line the format allows.
 */
import { MAX_LINE_CHARS } from "./export-format.ts";

/**
 * The lines of `body`, without their line breaks. A line longer than
 * `MAX_LINE_CHARS` is cut there and the rest of it dropped, so the import
 * reports it as too long rather than holding it.
 */
export async function* ndjsonLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
	const decoder = new TextDecoder();
	let pending = "";
	let overlong = false;
	for await (const chunk of body) {
		pending += decoder.decode(chunk, { stream: true });
		let newline = pending.indexOf("\n");
		while (newline !== -1) {
			if (!overlong) yield pending.slice(0, newline);
			overlong = false;
			pending = pending.slice(newline + 1);
			newline = pending.indexOf("\n");
		}
		if (pending.length > MAX_LINE_CHARS) {
			if (!overlong) yield pending;
			overlong = true;
			pending = "";
		}
	}
	pending += decoder.decode();
	if (pending !== "" && !overlong) yield pending;
}
