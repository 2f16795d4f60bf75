/**
 * Queries on users, API tokens and OAuth client settings. Every function takes the database first.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Principal } from "../auth/caller";
import type { Database } from "./database";
import { apiTokens, oauthClientSettings, users } from "./identity-schema";
import { preparedQuery } from "./prepared-query";

/** `last_used_at` is refreshed at most this often per token (1 minute), to spare D1 a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The principal of a live API token: not revoked, not expired, owner not
 * disabled. Null otherwise, without saying which (the caller answers 401 either way).
 */
export async function principalForTokenHash(
	db: Database,
	tokenHash: string,
	now: number,
): Promise<(Principal & { lastUsedAt: number | null }) | null> {
	const row = await preparedQuery(db, tokenByHash).get({ tokenHash });
	if (!row || row.revokedAt !== null || row.disabledAt !== null) return null;
	if (row.expiresAt !== null && row.expiresAt <= now) return null;
	return {
		userId: row.userId,
		email: row.email,
		role: row.role,
		credential: { kind: "api_token", id: row.tokenId },
		sessionTimeoutSeconds: row.sessionTimeoutSeconds,
		lastUsedAt: row.lastUsedAt,
	};
}

/** A token and its user by the token's hash (`principalForTokenHash`, every API-token request). */
function tokenByHash(db: Database) {
	return db
		.select({
			tokenId: apiTokens.id,
			expiresAt: apiTokens.expiresAt,
			revokedAt: apiTokens.revokedAt,
			lastUsedAt: apiTokens.lastUsedAt,
			sessionTimeoutSeconds: apiTokens.sessionTimeoutSeconds,
			userId: users.id,
			email: users.email,
			role: users.role,
			disabledAt: users.disabledAt,
		})
		.from(apiTokens)
		.innerJoin(users, eq(users.id, apiTokens.userId))
		.where(eq(apiTokens.tokenHash, sql.placeholder("tokenHash")))
		.limit(1)
		.prepare();
}

/** Records that a token was used, at most once per `LAST_USED_RESOLUTION_MS`. */
export async function touchTokenLastUsed(
	db: Database,
	tokenId: string,
	now: number,
): Promise<void> {
	await db
		.update(apiTokens)
		.set({ lastUsedAt: now })
		.where(
			and(
				eq(apiTokens.id, tokenId),
				or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now - LAST_USED_RESOLUTION_MS)),
			),
		);
}

/** A user by id, or undefined (every OAuth request checks its user). */
export async function findUser(db: Database, userId: string) {
	return preparedQuery(db, userById).execute({ userId });
}

function userById(db: Database) {
	return db.query.users.findFirst({ where: eq(users.id, sql.placeholder("userId")) }).prepare();
}

/** A user by email (case-insensitive: emails are stored lower-case), or undefined. */
export async function findUserByEmail(db: Database, email: string) {
	return db.query.users.findFirst({ where: eq(users.email, email.trim().toLowerCase()) });
}

/** An API token by id, or undefined (an OAuth grant signed in with a token checks it per request). */
export async function findToken(db: Database, tokenId: string) {
	return preparedQuery(db, tokenById).execute({ tokenId });
}

function tokenById(db: Database) {
	return db.query.apiTokens
		.findFirst({ where: eq(apiTokens.id, sql.placeholder("tokenId")) })
		.prepare();
}

/** True when `token` exists, belongs to `userId`, and is neither revoked nor expired at `now`. */
export function isLiveToken(
	token: { userId: string; revokedAt: number | null; expiresAt: number | null } | undefined,
	userId: string,
	now: number,
): boolean {
	if (!token || token.userId !== userId || token.revokedAt !== null) return false;
	return token.expiresAt === null || token.expiresAt > now;
}

/** Marks a token revoked (idempotent). */
export async function revokeToken(db: Database, tokenId: string, now: number): Promise<void> {
	await db
		.update(apiTokens)
		.set({ revokedAt: now })
		.where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)));
}

/** Marks a user disabled (idempotent). */
export async function disableUser(db: Database, userId: string, now: number): Promise<void> {
	await db
		.update(users)
		.set({ disabledAt: now })
		.where(and(eq(users.id, userId), isNull(users.disabledAt)));
}

/** The idle timeout an OAuth client is configured with, or null. */
export async function oauthClientTimeout(db: Database, clientId: string): Promise<number | null> {
	const row = await db.query.oauthClientSettings.findFirst({
		where: eq(oauthClientSettings.clientId, clientId),
	});
	return row?.sessionTimeoutSeconds ?? null;
}
