/**
 * Whose data a metrics query covers: everyone's for an admin, only the
 * caller's own for a member (as in the admin API). Every query takes one and
 * filters on `user_id` through it, so no query can forget.
 */
import { type SQL, sql } from "drizzle-orm";

/** Whose sessions and requests a query reads. */
export interface MetricsScope {
	/** The one user whose data is read; null reads every user's (admins, or auth off on loopback). */
	readonly userId: string | null;
}

/** Every user's data. */
export const EVERYONE: MetricsScope = { userId: null };

/** `AND <column> = <user>` for a member's scope, nothing for everyone's. */
export function userFilter(scope: MetricsScope, column: SQL = sql.raw("user_id")): SQL {
	return scope.userId === null ? sql`` : sql` AND ${column} = ${scope.userId}`;
}
