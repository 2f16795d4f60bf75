/**
 * Validators for values given on the command line. Each returns a message
 * that says what is wrong and how to fix it, or undefined when the value is
 * fine; the parser turns a message into a usage error before anything runs.
 */

/** A validator: the problem with `value`, or undefined. */
export type Check = (value: string) => string | undefined;

/** Longest email address (RFC 5321 path limit). */
const MAX_EMAIL_LENGTH = 254;

/** Longest display name or token name, in characters. */
const MAX_NAME_LENGTH = 100;

/** Shortest password accepted (NIST SP 800-63B minimum). */
export const MIN_PASSWORD_LENGTH = 8;

/** Longest password accepted; PBKDF2 hashes any length, the cap only bounds the work. */
const MAX_PASSWORD_LENGTH = 1024;

// Deliberately narrower than RFC 5322: no quoted local parts, no IP literals.
const EMAIL_PATTERN =
	/^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Ids of users and tokens: UUIDs from this command, or any id of the same alphabet. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** OAuth client ids (workers-oauth-provider makes random alphanumerics; allow URL-safe punctuation). */
const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~:-]{1,255}$/;

/** Control, format (e.g. bidi overrides) and line/paragraph separators: they garble terminals and lists. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Visible ASCII only, so the value is safe in an HTTP header. */
const BEARER_PATTERN = /^[\x21-\x7e]+$/;

/** The email, lowercased: emails are stored and looked up in lowercase. */
export function normalizeEmail(email: string): string {
	return email.toLowerCase();
}

/** An email address such as `alice@example.com`. */
export const checkEmail: Check = (value) => {
	if (value.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(value)) {
		return `"${value}" is not an email address this tool accepts (letters, digits and . _ % + - before the @, a domain with a dot after it)`;
	}
	return undefined;
};

/** A display name or token name: 1 to 100 printable characters, no surrounding spaces. */
export const checkName: Check = (value) => {
	if (value.length === 0) return "must not be empty";
	if ([...value].length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
	if (value.trim() !== value) return "must not start or end with spaces";
	if (UNPRINTABLE.test(value)) return "must not contain control or formatting characters";
	return undefined;
};

/** A user or token id. */
export const checkId: Check = (value) =>
	ID_PATTERN.test(value)
		? undefined
		: `"${value}" is not an id (1 to 64 letters, digits, _ or -; copy it from \`token list\`)`;

/** An OAuth client id. */
export const checkClientId: Check = (value) =>
	CLIENT_ID_PATTERN.test(value)
		? undefined
		: `"${value}" is not a client id (1 to 255 letters, digits or . _ ~ : -)`;

/** A role: `admin` or `member`. */
export const checkRole: Check = (value) =>
	value === "admin" || value === "member" ? undefined : `must be admin or member, not "${value}"`;

/** A password of 8 to 1024 characters. */
export const checkPassword: Check = (value) => {
	const length = [...value].length;
	if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
	if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
	return undefined;
};

/**
 * A validator for whole numbers from `min` to `max`.
 *
 * @example
 * const checkDays = integerBetween(1, 3650);
 */
export function integerBetween(min: number, max: number): Check {
	return (value) => {
		const number = Number(value);
		if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min || number > max) {
			return `must be a whole number from ${min} to ${max}, not "${value}"`;
		}
		return undefined;
	};
}

/** A server base URL: https, or http to a loopback host (the admin token must not cross a network in clear). */
export const checkServerUrl: Check = (value) => {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return `"${value}" is not a URL (for example https://archon.example.com)`;
	}
	if (url.search || url.hash || url.username || url.password) {
		return "must be a base URL without query, fragment or credentials";
	}
	const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
	if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return undefined;
	return "must use https (plain http only to localhost, 127.0.0.1 or [::1])";
};

/** A bearer token: visible ASCII only. */
export const checkBearerToken: Check = (value) =>
	BEARER_PATTERN.test(value) ? undefined : "must be a token of visible ASCII characters";
