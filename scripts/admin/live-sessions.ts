/**
 * Ends live sessions through the running server after a credential was
 * revoked in D1. Optional: every request re-checks its credential, so without
 * this call the sessions are refused at their next request anyway.
 */
import { failure } from "./errors.ts";

/** How to reach the server's admin API. */
export interface ServerAccess {
	/** Base URL, e.g. `https://archon.example.com` (validated by `checkServerUrl`). */
	readonly baseUrl: string;
	/** Bearer token of an admin. */
	readonly adminToken: string;
}

/** What was revoked: a token by id, or every credential of a user by id. */
export type RevokedSubject =
	| { readonly kind: "token"; readonly id: string }
	| { readonly kind: "user"; readonly id: string };

/** Longest the server may take to answer (10 seconds). */
const REQUEST_TIMEOUT_MS = 10_000;

/** Characters of an error body worth printing. */
const MAX_ERROR_BODY_CHARS = 300;

/** The endpoint that ends the sessions of `subject`. */
export function endSessionsUrl(baseUrl: string, subject: RevokedSubject): string {
	const base = baseUrl.replace(/\/+$/, "");
	const id = encodeURIComponent(subject.id);
	return subject.kind === "token"
		? `${base}/api/tokens/${id}/revoke`
		: `${base}/api/users/${id}/disable`;
}

/**
 * Asks the server to end the live sessions of `subject` at once; returns how
 * many it ended. Throws a failure that says what the server answered.
 *
 * @example
 * const ended = await endLiveSessions(fetch, access, { kind: "token", id });
 */
export async function endLiveSessions(
	fetchFn: typeof fetch,
	access: ServerAccess,
	subject: RevokedSubject,
): Promise<number> {
	const url = endSessionsUrl(access.baseUrl, subject);
	let response: Response;
	try {
		response = await fetchFn(url, {
			method: "POST",
			headers: { Authorization: `Bearer ${access.adminToken}`, Accept: "application/json" },
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
	} catch (error) {
		throw failure(`could not reach ${url}: ${describe(error)}`);
	}
	const body = await response.text();
	if (!response.ok) {
		const detail = body.slice(0, MAX_ERROR_BODY_CHARS).trim();
		throw failure(`${url} answered ${response.status}${detail ? `: ${detail}` : ""}`);
	}
	const ended = readEndedSessions(body);
	if (ended === undefined) {
		throw failure(`${url} answered 200 without a JSON { endedSessions: number } body`);
	}
	return ended;
}

/** An error's message with its cause (fetch says only "fetch failed"; the cause says why). */
function describe(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

function readEndedSessions(body: string): number | undefined {
	try {
		const parsed: unknown = JSON.parse(body);
		if (typeof parsed !== "object" || parsed === null || !("endedSessions" in parsed)) {
			return undefined;
		}
		const { endedSessions } = parsed;
		return typeof endedSessions === "number" ? endedSessions : undefined;
	} catch {
		return undefined;
	}
}

/** What happened to live sessions after a revocation, for output. */
export interface LiveSessionsOutcome {
	/** Sessions the server ended, or null when it was not asked (no `--url`). */
	readonly endedSessions: number | null;
	readonly text: readonly string[];
}

/**
 * Ends the live sessions of `subject` when `access` is given; otherwise says
 * when they will end and how to end them now. `done` describes what already
 * happened in D1 (e.g. `Token 123 is revoked`), for the error message.
 */
export async function endOrExplainLiveSessions(
	fetchFn: typeof fetch,
	access: ServerAccess | undefined,
	subject: RevokedSubject,
	done: string,
): Promise<LiveSessionsOutcome> {
	if (access === undefined) {
		return {
			endedSessions: null,
			text: [
				"Live sessions opened with these credentials are refused at their next request (every request re-checks the credential).",
				"To end them now, run this again with --url <server base URL> and ARCHON_ADMIN_TOKEN set (or --admin-token).",
			],
		};
	}
	try {
		const ended = await endLiveSessions(fetchFn, access, subject);
		return { endedSessions: ended, text: [`The server ended ${ended} live session(s).`] };
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw failure(
			`${done} in D1, but ending live sessions failed: ${reason}. They are refused at their next request.`,
		);
	}
}
