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
import { findToken, findUser, findUserByEmail, isLiveToken } from "../db/identity-queries";
import type { UserRole } from "../db/identity-schema";
import { principalFromApiToken } from "./authenticate";
import { PBKDF2_ITERATIONS, sha256Hex, verifyPassword } from "./credentials";

/** Prefix of this module's KV keys. */
const KEY_PREFIX = "archon-sign-in:";

/** How long a sign-in waits for Allow: as long as the provider keeps a consent transaction (10 minutes, in seconds). */
const SIGN_IN_TTL_SECONDS = 600;

/**
 * What a password is checked against when the email names no account that can
 * sign in with one (unknown, disabled, or without a password): the same
 * PBKDF2 work as a real hash, so the answer takes as long whether the email
 * exists or not. Salt and hash are zero bytes; no password derives to them.
 */
const DUMMY_PASSWORD_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${"A".repeat(22)}$${"A".repeat(43)}`;

/** What the form asks to sign in with: an API token when its field is filled, otherwise email and password. */
export type SignInAttempt =
	| { readonly kind: "token"; readonly token: string }
	| { readonly kind: "password"; readonly email: string; readonly password: string };

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

/** The credentials a sign-in form carries; the email trimmed and lower-cased, as stored. */
export function signInAttempt(form: FormData): SignInAttempt {
	const token = String(form.get("token") ?? "").trim();
	if (token !== "") return { kind: "token", token };
	return {
		kind: "password",
		email: String(form.get("email") ?? "")
			.trim()
			.toLowerCase(),
		password: String(form.get("password") ?? ""),
	};
}

/**
 * The user behind the attempt's credentials, or null when they fail, without
 * saying why. A password attempt runs one PBKDF2 whatever the email names
 * (README, "The sign-in page": sign-in failures look alike in status, body and timing).
 */
export async function checkCredentials(
	db: Database,
	attempt: SignInAttempt,
): Promise<SignedInUser | null> {
	if (attempt.kind === "token") {
		const principal = await principalFromApiToken(db, attempt.token);
		if (!principal) return null;
		const user = await findUser(db, principal.userId);
		return user ? signedIn(user, principal.credential.id) : null;
	}
	const user = await findUserByEmail(db, attempt.email);
	const usable = user?.disabledAt === null ? user : undefined;
	const matches = await verifyPassword(
		attempt.password,
		usable?.passwordHash ?? DUMMY_PASSWORD_HASH,
	);
	return usable?.passwordHash && matches ? signedIn(usable) : null;
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
	return isLiveToken(token, user.id, now) ? signedIn(user, record.tokenId) : null;
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
