/**
 * `token create|list|revoke`: API tokens in `archon_api_tokens`. A token is
 * shown once, when it is created; D1 keeps only its SHA-256 and its first
 * characters (to recognise it in lists).
 */
import { createApiToken } from "../../src/auth/credentials.ts";
import { commandUsage } from "./args.ts";
import {
	type AdminCommand,
	GLOBAL_FLAGS,
	LIST_LIMIT,
	requiredFlag,
	SERVER_FLAGS,
	serverAccess,
} from "./command-types.ts";
import { failure } from "./errors.ts";
import { formatTable, formatTime, isoTime } from "./format.ts";
import { checkEmail, checkId, checkName, integerBetween, normalizeEmail } from "./inputs.ts";
import { endOrExplainLiveSessions } from "./live-sessions.ts";
import { integerColumn, nullableIntegerColumn, textColumn } from "./rows.ts";
import { sql } from "./sql.ts";

/** One day in milliseconds. */
const DAY_MS = 86_400_000;

/** Longest token lifetime accepted (10 years, in days). */
const MAX_EXPIRES_DAYS = 3650;

/** Longest session idle timeout accepted (1 year, in seconds). */
export const MAX_SESSION_TIMEOUT_SECONDS = 31_536_000;

/** `token create`: makes a token for a user who is not disabled and prints it once. */
export const tokenCreate: AdminCommand = {
	spec: {
		name: "token create",
		summary: "Create an API token (printed once, stored only as a hash)",
		flags: {
			email: { value: "E", description: "owner's email", required: true, check: checkEmail },
			name: { value: "N", description: "what the token is for", required: true, check: checkName },
			"expires-days": {
				value: "D",
				description: "expire after D days (default never)",
				check: integerBetween(1, MAX_EXPIRES_DAYS),
			},
			"session-timeout-seconds": {
				value: "S",
				description: "idle timeout of its sessions (default the server's)",
				check: integerBetween(1, MAX_SESSION_TIMEOUT_SECONDS),
			},
		},
		example:
			"npm run admin -- token create --email alice@example.com --name laptop --expires-days 90",
	},
	async run(flags, context) {
		const address = normalizeEmail(requiredFlag(flags, "email"));
		const name = requiredFlag(flags, "name");
		const days = flags.get("expires-days");
		const timeout = flags.get("session-timeout-seconds");
		const sessionTimeoutSeconds = timeout === undefined ? null : Number(timeout);
		const { token, hash, prefix } = await createApiToken();
		const id = context.newId();
		const createdAt = context.now();
		const expiresAt = days === undefined ? null : createdAt + Number(days) * DAY_MS;
		// One statement: the owner is looked up and checked in the same write.
		const rows = await context.d1(sql`
			INSERT INTO archon_api_tokens (id, user_id, name, token_hash, token_prefix, created_at,
				expires_at, last_used_at, revoked_at, session_timeout_seconds)
			SELECT ${id}, u.id, ${name}, ${hash}, ${prefix}, ${createdAt},
				${expiresAt}, NULL, NULL, ${sessionTimeoutSeconds}
			FROM archon_users u WHERE u.email = ${address} AND u.disabled_at IS NULL
			RETURNING id`);
		if (rows.length === 0) {
			const [owner] = await context.d1(sql`SELECT id FROM archon_users WHERE email = ${address}`);
			throw failure(
				owner
					? `${address} is disabled; enable them first ("user enable") to give them a token`
					: `no user with email ${address} (see "user list")`,
			);
		}
		const warning =
			"This is the only time the token is shown: it is not stored (D1 keeps only its SHA-256 hash). Copy it now.";
		return {
			json: {
				token,
				warning,
				id,
				name,
				email: address,
				prefix,
				createdAt: isoTime(createdAt),
				expiresAt: isoTime(expiresAt),
				sessionTimeoutSeconds,
			},
			text: [
				`Created token "${name}" for ${address}: id ${id}, expires ${expiresAt === null ? "never" : formatTime(expiresAt)}, session timeout ${sessionTimeoutSeconds === null ? "server default" : `${sessionTimeoutSeconds} s`}.`,
				"",
				`    ${token}`,
				"",
				warning,
				"Clients send it as: Authorization: Bearer <token>",
			],
		};
	},
};

/** `token list`: tokens (bounded), never their hashes. */
export const tokenList: AdminCommand = {
	spec: {
		name: "token list",
		summary: "List API tokens (never their hashes)",
		flags: { email: { value: "E", description: "only this user's tokens", check: checkEmail } },
		example: "npm run admin -- token list --email alice@example.com",
	},
	async run(flags, context) {
		const email = flags.get("email");
		const address = email === undefined ? undefined : normalizeEmail(email);
		const owner = address === undefined ? sql`` : sql`WHERE u.email = ${address}`;
		const rows = await context.d1(sql`
			SELECT t.id, t.name, t.token_prefix, u.email, t.created_at, t.expires_at, t.last_used_at,
				t.revoked_at, t.session_timeout_seconds
			FROM archon_api_tokens t JOIN archon_users u ON u.id = t.user_id ${owner}
			ORDER BY t.created_at, t.id LIMIT ${LIST_LIMIT + 1}`);
		if (rows.length === 0 && address !== undefined) {
			const [user] = await context.d1(sql`SELECT id FROM archon_users WHERE email = ${address}`);
			if (!user) throw failure(`no user with email ${address} (see "user list")`);
		}
		const now = context.now();
		const tokens = rows.slice(0, LIST_LIMIT).map((row) => {
			const expiresAt = nullableIntegerColumn(row, "expires_at");
			const revokedAt = nullableIntegerColumn(row, "revoked_at");
			return {
				id: textColumn(row, "id"),
				name: textColumn(row, "name"),
				prefix: textColumn(row, "token_prefix"),
				email: textColumn(row, "email"),
				state:
					revokedAt !== null
						? "revoked"
						: expiresAt !== null && expiresAt <= now
							? "expired"
							: "active",
				createdAt: integerColumn(row, "created_at"),
				expiresAt,
				lastUsedAt: nullableIntegerColumn(row, "last_used_at"),
				revokedAt,
				sessionTimeoutSeconds: nullableIntegerColumn(row, "session_timeout_seconds"),
			};
		});
		const truncated = rows.length > LIST_LIMIT;
		const table = formatTable(
			["ID", "NAME", "PREFIX", "OWNER", "STATE", "CREATED", "EXPIRES", "LAST USED", "REVOKED"],
			tokens.map((token) => [
				token.id,
				token.name,
				`${token.prefix}…`,
				token.email,
				token.state,
				formatTime(token.createdAt),
				formatTime(token.expiresAt),
				formatTime(token.lastUsedAt),
				formatTime(token.revokedAt),
			]),
		);
		return {
			json: {
				tokens: tokens.map((token) => ({
					...token,
					createdAt: isoTime(token.createdAt),
					expiresAt: isoTime(token.expiresAt),
					lastUsedAt: isoTime(token.lastUsedAt),
					revokedAt: isoTime(token.revokedAt),
				})),
				truncated,
			},
			text: [
				...(tokens.length === 0 ? ["No tokens."] : table),
				...(truncated ? [`Showing the first ${LIST_LIMIT} tokens.`] : []),
			],
		};
	},
};

/** `token revoke`: the token stops working; optionally ends its live sessions now. */
export const tokenRevoke: AdminCommand = {
	spec: {
		name: "token revoke",
		summary: "Revoke an API token",
		flags: {
			id: {
				value: "ID",
				description: "token id (from token list)",
				required: true,
				check: checkId,
			},
			...SERVER_FLAGS,
		},
		example:
			"ARCHON_ADMIN_TOKEN=archon_... npm run admin -- token revoke --id 0b6f... --url https://archon.example.com",
	},
	async run(flags, context) {
		const id = requiredFlag(flags, "id");
		const access = serverAccess(flags, context, commandUsage(tokenRevoke.spec, GLOBAL_FLAGS));
		const now = context.now();
		// coalesce keeps the first revocation time, so running this twice changes nothing.
		const [row] = await context.d1(sql`
			UPDATE archon_api_tokens SET revoked_at = coalesce(revoked_at, ${now})
			WHERE id = ${id} RETURNING id, name, revoked_at`);
		if (!row) throw failure(`no token with id ${id} (see "token list")`);
		const name = textColumn(row, "name");
		const revokedAt = integerColumn(row, "revoked_at");
		const already = revokedAt !== now;
		const sessions = await endOrExplainLiveSessions(
			context.fetch,
			access,
			{ kind: "token", id },
			`Token ${id} is revoked`,
		);
		return {
			json: {
				token: { id, name, revokedAt: isoTime(revokedAt) },
				alreadyRevoked: already,
				endedSessions: sessions.endedSessions,
				revokedGrants: sessions.revokedGrants,
			},
			text: [
				already
					? `Token "${name}" (${id}) was already revoked (at ${formatTime(revokedAt)}).`
					: `Revoked token "${name}" (${id}).`,
				...sessions.text,
			],
		};
	},
};
