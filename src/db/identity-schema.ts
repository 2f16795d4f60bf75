/**
 * Users and their credentials, in D1. API tokens and passwords are stored
 * only as hashes (see `src/auth/credentials.ts`); a token is shown once, when
 * it is created. Times are Unix epoch milliseconds.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** What a user may do: admins manage users, tokens and every session; members their own. */
export type UserRole = "admin" | "member";

/** People (and service accounts) who may use the server. */
export const users = sqliteTable("archon_users", {
	id: text("id").primaryKey(),
	email: text("email").notNull().unique(),
	displayName: text("display_name").notNull(),
	role: text("role").$type<UserRole>().notNull(),
	/** PBKDF2-SHA256 hash for the sign-in page, or null when the user signs in with a token only. */
	passwordHash: text("password_hash"),
	createdAt: integer("created_at").notNull(),
	/** Set when an admin disables the user: every credential stops working and live sessions end. */
	disabledAt: integer("disabled_at"),
});

/** API tokens for headless agents (`Authorization: Bearer archon_...`). */
export const apiTokens = sqliteTable(
	"archon_api_tokens",
	{
		id: text("id").primaryKey(),
		userId: text("user_id")
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		name: text("name").notNull(),
		/** SHA-256 of the token, hex. */
		tokenHash: text("token_hash").notNull().unique(),
		/** The first characters of the token, to recognise it in lists. */
		tokenPrefix: text("token_prefix").notNull(),
		createdAt: integer("created_at").notNull(),
		expiresAt: integer("expires_at"),
		lastUsedAt: integer("last_used_at"),
		revokedAt: integer("revoked_at"),
		/** Idle timeout for sessions opened with this token, in seconds; null means the server default. */
		sessionTimeoutSeconds: integer("session_timeout_seconds"),
	},
	(table) => [index("idx_archon_api_tokens_user").on(table.userId)],
);

/** Settings of OAuth clients (registered through the OAuth provider), keyed by client id. */
export const oauthClientSettings = sqliteTable("archon_oauth_client_settings", {
	clientId: text("client_id").primaryKey(),
	/** Idle timeout for sessions opened by this client, in seconds. */
	sessionTimeoutSeconds: integer("session_timeout_seconds"),
});
