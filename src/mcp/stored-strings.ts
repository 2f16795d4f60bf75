/**
 * Bounds of every string a client can make the server store: in a session
 * record, a D1 row or the request log. A handshake over a bound is refused
 * (`initialize-params.ts`); what a request names (its method and tool) and the
 * error it ends with are cut to fit, because the request itself was served.
 * Unbounded values once made a D1 write fail forever (README, "Bounded storage").
 */

/** Longest client name or version kept (characters). */
export const MAX_CLIENT_FIELD_CHARS = 256;

/** Largest client capabilities object kept, as JSON (16 KiB of UTF-8). */
export const MAX_CAPABILITIES_BYTES = 16 * 1024;

/** Longest method or tool name kept in the request log (characters). */
export const MAX_NAME_CHARS = 128;

/** Largest error message kept in the request log (1 KiB of UTF-8). */
export const MAX_ERROR_MESSAGE_BYTES = 1024;

/**
 * `text` cut to at most `maxChars` characters, marked with a trailing `…`
 * when cut (the mark counts towards the bound).
 *
 * @example
 * cutChars("tools/call", 128) // "tools/call"
 */
export function cutChars(text: string, maxChars: number): string {
	// A string's UTF-16 length bounds its character count: most texts need no split.
	if (text.length <= maxChars) return text;
	const chars = [...text];
	if (chars.length <= maxChars) return text;
	return `${chars.slice(0, maxChars - 1).join("")}…`;
}

/**
 * `text` cut to at most `maxBytes` bytes of UTF-8, on a character boundary,
 * marked with a trailing `…` when cut (the mark counts towards the bound).
 */
export function cutUtf8(text: string, maxBytes: number): string {
	if (utf8Length(text) <= maxBytes) return text;
	const budget = maxBytes - utf8Length("…");
	let used = 0;
	let kept = "";
	for (const char of text) {
		used += utf8Length(char);
		if (used > budget) break;
		kept += char;
	}
	return `${kept}…`;
}

/** Bytes of `text` as UTF-8. */
export function utf8Length(text: string): number {
	return new TextEncoder().encode(text).byteLength;
}
