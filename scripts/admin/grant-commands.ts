/**
 * `grant list|revoke`: a user's OAuth grants (one per client the user allowed
 * on the sign-in page). Grants live in the OAuth provider's KV storage,
 * encrypted, so these commands go through the running server's admin API
 * (`--url` and an admin token, as `token revoke --url` does); the user is
 * looked up in D1 by email.
 */
import type { GrantView } from "../../src/auth/grants.ts";
import { commandUsage } from "./args.ts";
import {
	type AdminCommand,
	type AdminContext,
	EMAIL_FLAG,
	GLOBAL_FLAGS,
	REQUIRED_SERVER_FLAGS,
	requiredFlag,
	serverAccess,
} from "./command-types.ts";
import { failure, usageError } from "./errors.ts";
import { formatTable, formatTime, isoTime } from "./format.ts";
import { checkId, normalizeEmail } from "./inputs.ts";
import { textColumn } from "./rows.ts";
import { callServer, type ServerAccess } from "./server-api.ts";
import { sql } from "./sql.ts";

/** `grant list`: a user's OAuth grants, and the API token each was signed in with. */
export const grantList: AdminCommand = {
	spec: {
		name: "grant list",
		summary: "List a user's OAuth grants (through the server)",
		flags: { email: EMAIL_FLAG, ...REQUIRED_SERVER_FLAGS },
		example:
			"ARCHON_ADMIN_TOKEN=archon_... npm run admin -- grant list --email bob@example.com --url https://archon.example.com",
	},
	async run(flags, context) {
		const { access, userId, address } = await grantTarget(flags, context, grantList);
		const body = (await callServer(
			context.fetch,
			access,
			"GET",
			`/api/users/${encodeURIComponent(userId)}/grants`,
		)) as { grants?: GrantView[]; truncated?: boolean } | undefined;
		if (!Array.isArray(body?.grants)) throw failure("the server answered without a grant list");
		const grants = body.grants;
		const table = formatTable(
			["ID", "CLIENT", "SIGNED IN WITH", "CREATED", "EXPIRES"],
			grants.map((grant) => [
				grant.id,
				grant.clientId,
				grant.signInTokenId === null ? "password" : `token ${grant.signInTokenId}`,
				formatTime(grant.createdAt),
				formatTime(grant.expiresAt),
			]),
		);
		return {
			json: {
				email: address,
				grants: grants.map((grant) => ({
					...grant,
					createdAt: isoTime(grant.createdAt),
					expiresAt: isoTime(grant.expiresAt),
				})),
				truncated: body.truncated === true,
			},
			text: grants.length === 0 ? [`${address} has no OAuth grants.`] : table,
		};
	},
};

/** `grant revoke`: revokes one grant and its tokens; the client must sign in again. */
export const grantRevoke: AdminCommand = {
	spec: {
		name: "grant revoke",
		summary: "Revoke one OAuth grant of a user and its tokens (through the server)",
		flags: {
			email: EMAIL_FLAG,
			id: {
				value: "ID",
				description: "grant id (from grant list)",
				required: true,
				check: checkId,
			},
			...REQUIRED_SERVER_FLAGS,
		},
		example:
			"ARCHON_ADMIN_TOKEN=archon_... npm run admin -- grant revoke --email bob@example.com --id Ab12Cd34Ef56Gh78 --url https://archon.example.com",
	},
	async run(flags, context) {
		const { access, userId, address } = await grantTarget(flags, context, grantRevoke);
		const id = requiredFlag(flags, "id");
		await callServer(
			context.fetch,
			access,
			"DELETE",
			`/api/users/${encodeURIComponent(userId)}/grants/${encodeURIComponent(id)}`,
		);
		return {
			json: { email: address, grant: { id }, revoked: true },
			text: [
				`Revoked grant ${id} of ${address}: its access and refresh tokens no longer work; the client must sign in again.`,
			],
		};
	},
};

/** The server to call and the user (by id) whose grants are meant. */
async function grantTarget(
	flags: ReadonlyMap<string, string>,
	context: AdminContext,
	command: AdminCommand,
): Promise<{ access: ServerAccess; userId: string; address: string }> {
	const usage = commandUsage(command.spec, GLOBAL_FLAGS);
	const access = serverAccess(flags, context, usage);
	if (!access) throw usageError("--url is required", usage);
	const address = normalizeEmail(requiredFlag(flags, "email"));
	const [row] = await context.d1(sql`SELECT id FROM archon_users WHERE email = ${address}`);
	if (!row) throw failure(`no user with email ${address} (see "user list")`);
	return { access, userId: textColumn(row, "id"), address };
}
