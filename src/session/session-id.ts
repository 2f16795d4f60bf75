/**
 * MCP session ids: minted from 192 random bits, written as 32 base64url
 * characters (visible ASCII, as 2025-06-18 transports#session-management requires).
 */

/** Number of random bytes in a session id (192 bits). */
const SESSION_ID_BYTES = 24;

/** The exact shape of every id this server mints; anything else names no session. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** Mints a new, cryptographically random session id. */
export function mintSessionId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES));
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * True when `value` has the shape of an id we mint. Checked before a Durable
 * Object is addressed, so a malformed id never wakes one.
 */
export function isSessionId(value: string | null | undefined): value is string {
	return typeof value === "string" && SESSION_ID_PATTERN.test(value);
}

/** The first 8 characters of an id: enough to correlate log lines, too little to hijack a session. */
export function shortId(sessionId: string): string {
	return sessionId.slice(0, 8);
}
