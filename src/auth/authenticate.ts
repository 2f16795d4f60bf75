/**
 * Verifies the caller of a request: an API token (`archon_...`) looked up in
 * D1, or the props of an OAuth access token the provider has already verified.
 * Every request is checked against D1, so a revoked token or a disabled user
 * stops working at the next request.
 */
import type { Database } from "../db/database";
import {
	findToken,
	findUser,
	isLiveToken,
	LAST_USED_RESOLUTION_MS,
	principalForTokenHash,
	touchTokenLastUsed,
} from "../db/identity-queries";
import { describeError } from "../errors";
import { log } from "../log";
import { isAuthProps, type Principal } from "./caller";
import { hashApiToken, isApiToken } from "./credentials";

/**
 * The principal of an API token, or null. Records `last_used_at` when the
 * stored value is older than its resolution, so most requests write nothing.
 */
export async function principalFromApiToken(
	db: Database,
	token: string,
	now = Date.now(),
): Promise<Principal | null> {
	if (!isApiToken(token)) return null;
	const found = await principalForTokenHash(db, await hashApiToken(token), now);
	if (!found) return null;
	const { lastUsedAt, ...principal } = found;
	if (lastUsedAt === null || now - lastUsedAt >= LAST_USED_RESOLUTION_MS) {
		// Awaited, not deferred: the OAuth provider's token hook has no execution context to extend.
		await touchTokenLastUsed(db, principal.credential.id, now).catch((error: unknown) =>
			log.warn("auth.last_used_update_failed", { error: describeError(error) }),
		);
	}
	return principal;
}

/**
 * The principal carried by verified provider props, re-checked against D1 for
 * OAuth grants: the user may have been disabled since the grant, and a grant
 * signed in with an API token works only while that token does (revoked or
 * expired: null). API-token props were resolved from D1 in this very request.
 */
export async function principalFromProps(
	db: Database,
	props: unknown,
	now = Date.now(),
): Promise<Principal | null> {
	if (!isAuthProps(props)) return null;
	if (props.credential.kind === "api_token") return props;
	const tokenId = props.signInTokenId;
	const [user, token] = await Promise.all([
		findUser(db, props.userId),
		tokenId === undefined ? undefined : findToken(db, tokenId),
	]);
	if (!user || user.disabledAt !== null) return null;
	if (tokenId !== undefined && !isLiveToken(token, user.id, now)) return null;
	return { ...props, email: user.email, role: user.role };
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
	return match?.[1] ?? null;
}
