/**
 * A user's OAuth grants, through the provider's grant API (`OAuthHelpers`
 * `listUserGrants` and `revokeGrant`): listed and revoked by the admin API,
 * and revoked with the credential they came from. A grant signed in with an
 * API token records that token (`GrantMetadata.signInTokenId`, and the grant's
 * props), works only while the token does (`authenticate.ts`, the provider's
 * token-exchange hook), and is revoked when the token is revoked or its user
 * disabled.
 */
import type { GrantSummary, OAuthHelpers } from "@cloudflare/workers-oauth-provider";

/** What this server stores as a grant's (unencrypted) metadata. */
export interface GrantMetadata {
	readonly email: string;
	/** The API token the user signed in with on `/authorize`; null for a password. */
	readonly signInTokenId: string | null;
}

/** A grant as the admin API shows it. */
export interface GrantView {
	readonly id: string;
	readonly clientId: string;
	readonly scope: readonly string[];
	/** Epoch milliseconds, like every time of the admin API (the provider keeps seconds). */
	readonly createdAt: number;
	readonly expiresAt: number | null;
	readonly signInTokenId: string | null;
}

/** Grants read per page of the provider's listing. */
const PAGE_SIZE = 100;

/** Most grants of one user read in one call (10 pages); a user holds one grant per client. */
export const MAX_GRANTS_SCANNED = 1000;

/** The grants of `userId`, at most `MAX_GRANTS_SCANNED`, oldest first. */
export async function listGrants(
	oauth: OAuthHelpers,
	userId: string,
): Promise<{ grants: GrantView[]; truncated: boolean }> {
	const grants: GrantView[] = [];
	let cursor: string | undefined;
	do {
		const page = await oauth.listUserGrants(userId, { limit: PAGE_SIZE, cursor });
		grants.push(...page.items.map(viewOf));
		cursor = page.cursor;
	} while (cursor !== undefined && grants.length < MAX_GRANTS_SCANNED);
	grants.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
	return { grants, truncated: cursor !== undefined };
}

/**
 * Revokes the grants of `userId` that `which` selects (every one by default),
 * with their tokens; returns how many.
 */
export async function revokeGrants(
	oauth: OAuthHelpers,
	userId: string,
	which: (grant: GrantView) => boolean = () => true,
): Promise<number> {
	const { grants } = await listGrants(oauth, userId);
	const chosen = grants.filter(which);
	await Promise.all(chosen.map((grant) => oauth.revokeGrant(grant.id, userId)));
	return chosen.length;
}

function viewOf(summary: GrantSummary): GrantView {
	const metadata = summary.metadata as Partial<GrantMetadata> | null | undefined;
	return {
		id: summary.id,
		clientId: summary.clientId,
		scope: summary.scope,
		createdAt: summary.createdAt * 1000,
		expiresAt: summary.expiresAt === undefined ? null : summary.expiresAt * 1000,
		signInTokenId: typeof metadata?.signInTokenId === "string" ? metadata.signInTokenId : null,
	};
}
