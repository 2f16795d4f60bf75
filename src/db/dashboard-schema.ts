/**
 * Sign-ins to the dashboard (`/dashboard`), in D1. The browser holds a random
 * token in an `HttpOnly`, `Secure`, `SameSite=Strict` cookie; D1 keeps only
 * its SHA-256, the user, and the CSRF token the dashboard's forms carry.
 * Times are Unix epoch milliseconds.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./identity-schema";

/** One signed-in browser. */
export const dashboardSessions = sqliteTable(
	"archon_dashboard_sessions",
	{
		/** SHA-256 of the cookie's token, hex. */
		tokenHash: text("token_hash").primaryKey(),
		userId: text("user_id")
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		/** Random token every form of this sign-in posts back (synchronizer token). */
		csrfToken: text("csrf_token").notNull(),
		createdAt: integer("created_at").notNull(),
		/** The sign-in ends then, whatever happens meanwhile. */
		expiresAt: integer("expires_at").notNull(),
	},
	(table) => [
		index("idx_archon_dashboard_sessions_user").on(table.userId),
		index("idx_archon_dashboard_sessions_expires").on(table.expiresAt),
	],
);
