/**
 * Secrets of users: API tokens and passwords. Web Crypto only and no imports,
 * so the Worker and the admin command (Node) share this file.
 *
 * An API token is `archon_` + 32 random bytes in base64url; it is stored as
 * its SHA-256 (a 256-bit random secret needs no slow hash). Passwords are
 * stored as `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`.
 */

/** Prefix of every API token, so leaked tokens are easy to scan for. */
export const API_TOKEN_PREFIX = "archon_";

/** PBKDF2 iterations for new password hashes (OWASP 2023 guidance for PBKDF2-HMAC-SHA256 is 600 000; Workers cap PBKDF2 at 100 000). */
export const PBKDF2_ITERATIONS = 100_000;

const TOKEN_PATTERN = /^archon_[A-Za-z0-9_-]{43}$/;

/** A new API token, its hash to store, and the prefix to display. */
export async function createApiToken(): Promise<{ token: string; hash: string; prefix: string }> {
	const token = `${API_TOKEN_PREFIX}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
	return { token, hash: await hashApiToken(token), prefix: token.slice(0, 12) };
}

/** True when `value` has the shape of an API token (checked before any lookup). */
export function isApiToken(value: string): boolean {
	return TOKEN_PATTERN.test(value);
}

/** The stored form of an API token: SHA-256, hex. */
export function hashApiToken(token: string): Promise<string> {
	return sha256Hex(token);
}

/** Every byte as two lower-case hex digits: an API token is hashed on every request it makes. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** SHA-256 of a string's UTF-8 bytes, as lower-case hex. */
export async function sha256Hex(value: string): Promise<string> {
	const digest = new Uint8Array(
		await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)),
	);
	let hex = "";
	for (const byte of digest) hex += HEX_BYTES[byte];
	return hex;
}

/** The stored form of a password. */
export async function hashPassword(
	password: string,
	iterations = PBKDF2_ITERATIONS,
): Promise<string> {
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const hash = await pbkdf2(password, salt, iterations);
	return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(hash)}`;
}

/** True when `password` matches `stored`; compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, iterationsText, saltText, hashText] = stored.split("$");
	const iterations = Number(iterationsText);
	if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || !saltText || !hashText) {
		return false;
	}
	const expected = fromBase64url(hashText);
	const actual = await pbkdf2(password, fromBase64url(saltText), iterations);
	return constantTimeEqual(actual, expected);
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(password),
		"PBKDF2",
		false,
		["deriveBits"],
	);
	const bits = await crypto.subtle.deriveBits(
		{ name: "PBKDF2", hash: "SHA-256", salt, iterations },
		key,
		256,
	);
	return new Uint8Array(bits);
}

/** True when `a` and `b` are equal, in time that does not depend on where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	let difference = a.length ^ b.length;
	for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return difference === 0;
}

/** `bytes` in base64url without padding (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
	const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
	return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
