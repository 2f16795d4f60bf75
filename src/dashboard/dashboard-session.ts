/**
 * Sign-ins to the dashboard: a random token in a cookie, its SHA-256 in D1
 * (`archon_dashboard_sessions`), and the CSRF token of that sign-in. The
 * cookie is `HttpOnly` (no script reads it), `Secure`, `SameSite=Strict` (no
 * other site's page sends it) and `__Host-` (this host only, path `/`).
 */
import { and, eq, gt, inArray, isNull, lt } from "drizzle-orm";
import type { Principal } from "../auth/caller";
import { base64url, constantTimeEqual, sha256Hex } from "../auth/credentials";
import type { SignedInUser } from "../auth/sign-in";
import { dashboardSessions } from "../db/dashboard-schema";
import type { Database } from "../db/database";
import { users } from "../db/identity-schema";

/** The cookie that carries a dashboard sign-in. */
export const SESSION_COOKIE = "__Host-archon-dashboard";

/** How long a dashboard sign-in lasts: 12 hours (seconds). */
export const SESSION_TTL_SECONDS = 12 * 3600;

/** Most expired sign-ins deleted per new sign-in (the cleanup is bounded). */
const CLEANUP_BATCH = 100;

/** Attributes of every cookie this module sets. */
const COOKIE_ATTRIBUTES = "Path=/; HttpOnly; Secure; SameSite=Strict";

/** Who is signed in to the dashboard. */
export type DashboardUser = Pick<Principal, "userId" | "email" | "role">;

/** A verified dashboard sign-in: who, and the token its forms and API calls carry. */
export interface DashboardSignIn {
	readonly user: DashboardUser;
	readonly csrfToken: string;
}

/** Starts a sign-in for `user`; returns the `Set-Cookie` value and the CSRF token. */
export async function startDashboardSession(
	db: Database,
	user: SignedInUser,
	now: number,
): Promise<{ cookie: string; csrfToken: string }> {
	const token = randomToken();
	const csrfToken = randomToken();
	const expired = db
		.select({ tokenHash: dashboardSessions.tokenHash })
		.from(dashboardSessions)
		.where(lt(dashboardSessions.expiresAt, now))
		.limit(CLEANUP_BATCH);
	await db.batch([
		// Bounded cleanup of sign-ins that ran out, riding on a new one.
		db.delete(dashboardSessions).where(inArray(dashboardSessions.tokenHash, expired)),
		db.insert(dashboardSessions).values({
			tokenHash: await sha256Hex(token),
			userId: user.userId,
			csrfToken,
			createdAt: now,
			expiresAt: now + SESSION_TTL_SECONDS * 1000,
		}),
	]);
	return { cookie: sessionCookie(token, SESSION_TTL_SECONDS), csrfToken };
}

/** The live sign-in whose token is `token`: not expired, user not disabled. Null otherwise. */
export async function findDashboardSession(
	db: Database,
	token: string,
	now: number,
): Promise<DashboardSignIn | null> {
	if (token === "") return null;
	const [row] = await db
		.select({
			csrfToken: dashboardSessions.csrfToken,
			userId: users.id,
			email: users.email,
			role: users.role,
		})
		.from(dashboardSessions)
		.innerJoin(users, eq(users.id, dashboardSessions.userId))
		.where(
			and(
				eq(dashboardSessions.tokenHash, await sha256Hex(token)),
				gt(dashboardSessions.expiresAt, now),
				isNull(users.disabledAt),
			),
		)
		.limit(1);
	if (!row) return null;
	return {
		csrfToken: row.csrfToken,
		user: { userId: row.userId, email: row.email, role: row.role },
	};
}

/** Ends the sign-in whose token is `token`; returns the `Set-Cookie` value that clears the cookie. */
export async function endDashboardSession(db: Database, token: string): Promise<string> {
	if (token !== "") {
		await db
			.delete(dashboardSessions)
			.where(eq(dashboardSessions.tokenHash, await sha256Hex(token)));
	}
	return sessionCookie("", 0);
}

/** A `Set-Cookie` value for `name` with this module's attributes. */
export function cookieHeader(name: string, value: string, maxAgeSeconds: number): string {
	return `${name}=${value}; Max-Age=${maxAgeSeconds}; ${COOKIE_ATTRIBUTES}`;
}

/** The value of cookie `name` in a `Cookie` header, or "". */
export function readCookie(header: string | null | undefined, name: string): string {
	for (const part of (header ?? "").split(";")) {
		const [key, ...value] = part.trim().split("=");
		if (key === name) return value.join("=");
	}
	return "";
}

/** True when two secrets are equal, in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
	const encoder = new TextEncoder();
	return a !== "" && constantTimeEqual(encoder.encode(a), encoder.encode(b));
}

/** 32 random bytes, base64url. */
export function randomToken(): string {
	return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function sessionCookie(token: string, maxAgeSeconds: number): string {
	return cookieHeader(SESSION_COOKIE, token, maxAgeSeconds);
}
