/**
 * Who may see and change an Archon row (projects, tasks, documents,
 * versions): its owner, admins, and — to read only — everyone when the row
 * is `shared`. A member never learns that another member's unshared row exists.
 */
import { eq, isNull, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** The caller as the Archon queries see them. */
export interface Viewer {
	/** The verified user; null when auth is off (loopback development). */
	readonly userId: string | null;
	/** Admins see and change every row. */
	readonly admin: boolean;
}

/** The columns every Archon table has. */
interface OwnedTable {
	readonly userId: SQLiteColumn;
	readonly shared: SQLiteColumn;
}

/** The condition that `viewer` may see a row of `table`; undefined (no condition) for admins. */
export function visibleTo(table: OwnedTable, viewer: Viewer): SQL | undefined {
	if (viewer.admin) return undefined;
	return or(ownedBy(table, viewer), eq(table.shared, true));
}

/** The condition that `viewer` owns a row of `table` (a null owner matches the auth-off caller). */
export function ownedBy(table: OwnedTable, viewer: Viewer): SQL {
	return viewer.userId === null ? isNull(table.userId) : eq(table.userId, viewer.userId);
}

/** True when `viewer` may change a row owned by `ownerId`. */
export function mayChange(viewer: Viewer, ownerId: string | null): boolean {
	return viewer.admin || ownerId === viewer.userId;
}

/** A LIKE pattern that matches `text` anywhere, with `%`, `_` and `\` taken literally (use with ESCAPE '\'). */
export function containsPattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
