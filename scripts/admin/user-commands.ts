/**
 * `user add|list|disable|enable|password`: people in `archon_users`.
 * Anyone with access to the D1 database is trusted, which is what lets the
 * first admin be created before any admin exists.
 */
import { hashPassword } from "../../src/auth/credentials.ts";
import { commandUsage } from "./args.ts";
import {
	type AdminCommand,
	type AdminContext,
	EMAIL_FLAG,
	GLOBAL_FLAGS,
	LIST_LIMIT,
	requiredFlag,
	SERVER_FLAGS,
	serverAccess,
} from "./command-types.ts";
import { failure, usageError } from "./errors.ts";
import { formatTable, formatTime, isoTime } from "./format.ts";
import { checkName, checkPassword, checkRole, normalizeEmail } from "./inputs.ts";
import { endOrExplainLiveSessions } from "./live-sessions.ts";
import { integerColumn, nullableIntegerColumn, textColumn } from "./rows.ts";
import { sql } from "./sql.ts";

const email = EMAIL_FLAG;
const password = {
	value: "P",
	description: "password for the sign-in page (visible in shell history; prefer --password-stdin)",
	check: checkPassword,
};
const passwordStdin = { description: "read the password from standard input (one line)" };

/** `user add`: creates a user; refuses an email that exists. */
export const userAdd: AdminCommand = {
	spec: {
		name: "user add",
		summary: "Add a user (the first admin needs no existing admin)",
		flags: {
			email,
			name: { value: "N", description: "display name", required: true, check: checkName },
			role: { value: "admin|member", description: "role (default member)", check: checkRole },
			password,
			"password-stdin": passwordStdin,
		},
		exclusive: [["password", "password-stdin"]],
		example: `npm run admin -- user add --email alice@example.com --name "Alice" --role admin`,
	},
	async run(flags, context) {
		const address = normalizeEmail(requiredFlag(flags, "email"));
		const name = requiredFlag(flags, "name");
		const role = flags.get("role") ?? "member";
		const secret = await readPassword(flags, context, commandUsage(userAdd.spec, GLOBAL_FLAGS));
		const passwordHash = secret === undefined ? null : await hashPassword(secret);
		const id = context.newId();
		const createdAt = context.now();
		// One statement, so a concurrent add of the same email cannot slip between check and insert.
		const rows = await context.d1(sql`
			INSERT INTO archon_users (id, email, display_name, role, password_hash, created_at, disabled_at)
			SELECT ${id}, ${address}, ${name}, ${role}, ${passwordHash}, ${createdAt}, NULL
			WHERE NOT EXISTS (SELECT 1 FROM archon_users WHERE email = ${address})
			RETURNING id`);
		if (rows.length === 0) {
			throw failure(
				`a user with email ${address} already exists (see "user list"; "user enable" or "user password" change it)`,
			);
		}
		const user = {
			id,
			email: address,
			displayName: name,
			role,
			hasPassword: passwordHash !== null,
			createdAt: isoTime(createdAt),
		};
		return {
			json: { user },
			text: [
				`Added ${role} ${address} ("${name}"), id ${id}.`,
				passwordHash === null
					? `No password: they sign in with API tokens. Create one: npm run admin -- token create --email ${address} --name <name>`
					: "They can sign in with their password.",
			],
		};
	},
};

/** `user list`: every user (bounded), with role, state and count of usable tokens. */
export const userList: AdminCommand = {
	spec: {
		name: "user list",
		summary: "List users",
		flags: {},
		example: "npm run admin -- user list",
	},
	async run(_flags, context) {
		const now = context.now();
		const rows = await context.d1(sql`
			SELECT u.id, u.email, u.display_name, u.role, u.created_at, u.disabled_at,
				CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password,
				(SELECT count(*) FROM archon_api_tokens t
					WHERE t.user_id = u.id AND t.revoked_at IS NULL
					AND (t.expires_at IS NULL OR t.expires_at > ${now})) AS active_tokens
			FROM archon_users u ORDER BY u.created_at, u.email LIMIT ${LIST_LIMIT + 1}`);
		const users = rows.slice(0, LIST_LIMIT).map((row) => ({
			id: textColumn(row, "id"),
			email: textColumn(row, "email"),
			displayName: textColumn(row, "display_name"),
			role: textColumn(row, "role"),
			hasPassword: integerColumn(row, "has_password") === 1,
			activeTokens: integerColumn(row, "active_tokens"),
			createdAt: integerColumn(row, "created_at"),
			disabledAt: nullableIntegerColumn(row, "disabled_at"),
		}));
		const truncated = rows.length > LIST_LIMIT;
		const table = formatTable(
			["EMAIL", "NAME", "ROLE", "STATE", "PASSWORD", "TOKENS", "CREATED", "ID"],
			users.map((user) => [
				user.email,
				user.displayName,
				user.role,
				user.disabledAt === null ? "active" : `disabled ${formatTime(user.disabledAt)}`,
				user.hasPassword ? "yes" : "no",
				String(user.activeTokens),
				formatTime(user.createdAt),
				user.id,
			]),
		);
		return {
			json: {
				users: users.map((user) => ({
					...user,
					createdAt: isoTime(user.createdAt),
					disabledAt: isoTime(user.disabledAt),
				})),
				truncated,
			},
			text: [
				...(users.length === 0
					? ["No users yet. Add the first admin with: user add --role admin"]
					: table),
				...(truncated ? [`Showing the first ${LIST_LIMIT} users.`] : []),
			],
		};
	},
};

/** `user disable`: every credential of the user stops working; optionally ends live sessions now. */
export const userDisable: AdminCommand = {
	spec: {
		name: "user disable",
		summary: "Disable a user: tokens and password stop working",
		flags: { email, ...SERVER_FLAGS },
		example:
			"ARCHON_ADMIN_TOKEN=archon_... npm run admin -- user disable --email bob@example.com --url https://archon.example.com",
	},
	async run(flags, context) {
		const address = normalizeEmail(requiredFlag(flags, "email"));
		const access = serverAccess(flags, context, commandUsage(userDisable.spec, GLOBAL_FLAGS));
		const now = context.now();
		// coalesce keeps the first disable time, so running this twice changes nothing.
		const [row] = await context.d1(sql`
			UPDATE archon_users SET disabled_at = coalesce(disabled_at, ${now})
			WHERE email = ${address} RETURNING id, disabled_at`);
		if (!row) throw noSuchUser(address);
		const id = textColumn(row, "id");
		const disabledAt = integerColumn(row, "disabled_at");
		const already = disabledAt !== now;
		const sessions = await endOrExplainLiveSessions(
			context.fetch,
			access,
			{ kind: "user", id },
			`User ${address} is disabled`,
		);
		return {
			json: {
				user: { id, email: address, disabledAt: isoTime(disabledAt) },
				alreadyDisabled: already,
				endedSessions: sessions.endedSessions,
				revokedGrants: sessions.revokedGrants,
			},
			text: [
				already
					? `${address} was already disabled (since ${formatTime(disabledAt)}).`
					: `Disabled ${address} (id ${id}): their API tokens and password no longer work.`,
				...sessions.text,
			],
		};
	},
};

/** `user enable`: lifts a disable; tokens that are neither revoked nor expired work again. */
export const userEnable: AdminCommand = {
	spec: {
		name: "user enable",
		summary: "Enable a disabled user",
		flags: { email },
		example: "npm run admin -- user enable --email bob@example.com",
	},
	async run(flags, context) {
		const address = normalizeEmail(requiredFlag(flags, "email"));
		const [row] = await context.d1(sql`
			UPDATE archon_users SET disabled_at = NULL WHERE email = ${address} RETURNING id`);
		if (!row) throw noSuchUser(address);
		const id = textColumn(row, "id");
		return {
			json: { user: { id, email: address, disabledAt: null } },
			text: [`Enabled ${address}: their tokens that are not revoked or expired work again.`],
		};
	},
};

/** `user password`: sets a new password hash. */
export const userPassword: AdminCommand = {
	spec: {
		name: "user password",
		summary: "Set a user's password",
		flags: { email, password, "password-stdin": passwordStdin },
		oneOf: [["password", "password-stdin"]],
		example: `printf '%s' "$NEW_PASSWORD" | npm run admin -- user password --email alice@example.com --password-stdin`,
	},
	async run(flags, context) {
		const address = normalizeEmail(requiredFlag(flags, "email"));
		const usage = commandUsage(userPassword.spec, GLOBAL_FLAGS);
		const secret = await readPassword(flags, context, usage);
		if (secret === undefined) throw usageError("give --password or --password-stdin", usage);
		const passwordHash = await hashPassword(secret);
		const [row] = await context.d1(sql`
			UPDATE archon_users SET password_hash = ${passwordHash} WHERE email = ${address} RETURNING id`);
		if (!row) throw noSuchUser(address);
		return {
			json: { user: { id: textColumn(row, "id"), email: address, hasPassword: true } },
			text: [`Set a new password for ${address}.`],
		};
	},
};

/** The password from `--password` or standard input, validated; undefined when neither is given. */
async function readPassword(
	flags: ReadonlyMap<string, string>,
	context: AdminContext,
	usage: string,
): Promise<string | undefined> {
	const fromFlag = flags.get("password");
	if (fromFlag !== undefined) return fromFlag;
	if (!flags.has("password-stdin")) return undefined;
	// `echo` and here-strings add one line break; it is not part of the password.
	const fromStdin = (await context.readStdin()).replace(/\r?\n$/, "");
	const problem = checkPassword(fromStdin);
	if (problem !== undefined) throw usageError(`password from standard input ${problem}`, usage);
	return fromStdin;
}

function noSuchUser(address: string) {
	return failure(`no user with email ${address} (see "user list")`);
}
