/**
 * Ends live sessions and revokes OAuth grants through the running server
 * after a credential was revoked in D1. Optional: every request re-checks its
 * credential (and every OAuth refresh its grant's), so without this call they
 * are refused at their next request anyway.
 */
import { failure } from "./errors.ts";
import { callServer, type ServerAccess, serverUrl } from "./server-api.ts";

/** What was revoked: a token by id, or every credential of a user by id. */
export type RevokedSubject =
	| { readonly kind: "token"; readonly id: string }
	| { readonly kind: "user"; readonly id: string };

/** What the server did about a revocation. */
export interface ServerRevocation {
	readonly endedSessions: number;
	/** OAuth grants revoked (a server before grant revocation does not say: 0). */
	readonly revokedGrants: number;
}

/** The admin API path that ends the sessions and grants of `subject`. */
export function revocationPath(subject: RevokedSubject): string {
	const id = encodeURIComponent(subject.id);
	return subject.kind === "token" ? `/api/tokens/${id}/revoke` : `/api/users/${id}/disable`;
}

/**
 * Asks the server to end the live sessions and revoke the OAuth grants of
 * `subject` at once. Throws a failure that says what the server answered.
 *
 * @example
 * const { endedSessions } = await revokeOnServer(fetch, access, { kind: "token", id });
 */
export async function revokeOnServer(
	fetchFn: typeof fetch,
	access: ServerAccess,
	subject: RevokedSubject,
): Promise<ServerRevocation> {
	const body = await callServer(fetchFn, access, "POST", revocationPath(subject));
	const { endedSessions, revokedGrants } = (body ?? {}) as Record<string, unknown>;
	if (typeof endedSessions !== "number") {
		const url = serverUrl(access, revocationPath(subject));
		throw failure(`${url} answered without a JSON { endedSessions: number } body`);
	}
	return { endedSessions, revokedGrants: typeof revokedGrants === "number" ? revokedGrants : 0 };
}

/** What happened to live sessions and grants after a revocation, for output. */
export interface LiveSessionsOutcome {
	/** Sessions the server ended, or null when it was not asked (no `--url`). */
	readonly endedSessions: number | null;
	/** OAuth grants the server revoked, or null when it was not asked. */
	readonly revokedGrants: number | null;
	readonly text: readonly string[];
}

/**
 * Ends the live sessions and revokes the OAuth grants of `subject` when
 * `access` is given; otherwise says when they stop and how to end them now.
 * `done` describes what already happened in D1 (e.g. `Token 123 is revoked`),
 * for the error message.
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
			revokedGrants: null,
			text: [
				"Live sessions and OAuth grants of these credentials are refused at their next request or refresh (each re-checks the credential).",
				"To end them now, run this again with --url <server base URL> and ARCHON_ADMIN_TOKEN set (or --admin-token).",
			],
		};
	}
	try {
		const result = await revokeOnServer(fetchFn, access, subject);
		return {
			...result,
			text: [
				`The server ended ${result.endedSessions} live session(s) and revoked ${result.revokedGrants} OAuth grant(s).`,
			],
		};
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw failure(
			`${done} in D1, but ending live sessions failed: ${reason}. They are refused at their next request.`,
		);
	}
}
