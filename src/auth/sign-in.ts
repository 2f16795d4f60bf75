/**
 * Who signs in on `/authorize`: the form's credentials checked against D1, and
 * the signed-in account kept from the sign-in step to the Allow step, where it
 * is checked again (the user may have been disabled, the token revoked).
 *
 * Storage, in `OAUTH_KV` beside the OAuth provider's own keys:
 *
 * | Key                                         | Value                            | Lifetime              |
 * | ------------------------------------------- | -------------------------------- | --------------------- |
 * | `archon-sign-in:<SHA-256 hex of the handle>` | JSON `{ userId, tokenId? }`      | 10 minutes, read once |
 *
 * The key is the hash of the consent form's one-time handle, as the provider
 * keys its own transactions: KV never holds a handle, and only the browser
 * that holds it (with its binding cookie, which `approveConsent` checks) can
 * use the record.
 */
import type { Database } from "../db/database";
import { findToken, findUser, findUserByEmail } from "../db/identity-queries";
import type { UserRole } from "../db/identity-schema";
import { principalFromApiToken } from "./authenticate";
import { sha256Hex, verifyPassword } from "./credentials";

/** Prefix of this module's KV keys. */
const KEY_PREFIX = "archon-sign-in:";

/** How long a sign-in waits for Allow: as long as the provider keeps a consent transaction (10 minutes, in seconds). */
const SIGN_IN_TTL_SECONDS = 600;

/** Who signed in on the form, and with which API token if not with a password. */
export interface SignedInUser {
	readonly userId: string;
	readonly email: string;
	readonly displayName: string;
	readonly role: UserRole;
	/** The API token used to sign in; absent for a password. */
	readonly tokenId?: string;
}

/** What the KV record holds. */
interface SignInRecord {
	readonly userId: string;
	readonly tokenId?: string;
}

/**
 * The user behind the form's credentials: an API token (when the token field
 * is filled), or email and password. Null when they fail, without saying why.
 */
export async function checkCredentials(db: Database, form: FormData): Promise<SignedInUser | null> {
	const token = String(form.get("token") ?? "").trim();
	if (token !== "") {
		const principal = await principalFromApiToken(db, token);
		if (!principal) return null;
		const user = await findUser(db, principal.userId);
		return user ? signedIn(user, principal.credential.id) : null;
	}
	const user = await findUserByEmail(db, String(form.get("email") ?? ""));
	if (!user || user.disabledAt !== null || !user.passwordHash) return null;
	const password = String(form.get("password") ?? "");
	if (!(await verifyPassword(password, user.passwordHash))) return null;
	return signedIn(user);
}

/** Keeps who signed in for the confirmation form carrying `handle`. */
export async function rememberSignIn(
	kv: KVNamespace,
	handle: string,
	user: SignedInUser,
): Promise<void> {
	const record: SignInRecord = { userId: user.userId, tokenId: user.tokenId };
	await kv.put(await keyOf(handle), JSON.stringify(record), {
		expirationTtl: SIGN_IN_TTL_SECONDS,
	});
}

/**
 * The user who signed in for `handle`, checked again in D1, and the record
 * deleted; null when there is none, it expired, or the account or token no
 * longer works.
 */
export async function takeSignIn(
	db: Database,
	kv: KVNamespace,
	handle: string,
	now = Date.now(),
): Promise<SignedInUser | null> {
	if (handle === "") return null;
	const key = await keyOf(handle);
	const record = await kv.get<SignInRecord>(key, "json");
	if (!record) return null;
	await kv.delete(key);
	const user = await findUser(db, record.userId);
	if (!user || user.disabledAt !== null) return null;
	if (record.tokenId === undefined) return signedIn(user);
	const token = await findToken(db, record.tokenId);
	if (!token || token.userId !== user.id || token.revokedAt !== null) return null;
	if (token.expiresAt !== null && token.expiresAt <= now) return null;
	return signedIn(user, token.id);
}

/** Deletes the record for `handle`, if any (the user denied at the confirmation). */
export async function forgetSignIn(kv: KVNamespace, handle: string): Promise<void> {
	if (handle !== "") await kv.delete(await keyOf(handle));
}

function signedIn(
	user: { id: string; email: string; displayName: string; role: UserRole },
	tokenId?: string,
): SignedInUser {
	return {
		userId: user.id,
		email: user.email,
		displayName: user.displayName,
		role: user.role,
		...(tokenId === undefined ? {} : { tokenId }),
	};
}

async function keyOf(handle: string): Promise<string> {
	return `${KEY_PREFIX}${await sha256Hex(handle)}`;
}
