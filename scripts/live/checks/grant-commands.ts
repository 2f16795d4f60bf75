/**
 * Check 14: `grant list` and `grant revoke` of the admin command reach the
 * running server's OAuth provider through the admin API (`--url`, the admin
 * token in the environment): Alice, who has allowed no client, has no grant,
 * and revoking a grant she does not have exits 1 with the server's 404.
 */
import { runAdmin } from "../admin-command.ts";
import { type Check, expect } from "../check-runner.ts";
import type { LiveContext } from "../live-context.ts";

/** `grant list --email --url`, then `grant revoke` of an unknown id. */
export const grantCommands: Check<LiveContext> = {
	name: "grant list and grant revoke (admin command with --url) reach the server's OAuth grants",
	async run({ auth }) {
		const { server, admin, alice } = await auth.get();
		const env = { ARCHON_ADMIN_TOKEN: admin.token };
		const listed = (await runAdmin(
			server.persistDir,
			["grant", "list", "--email", alice.email, "--url", server.origin],
			env,
		)) as { grants?: unknown; truncated?: unknown };
		expect(
			Array.isArray(listed.grants) && listed.grants.length === 0 && listed.truncated === false,
			`grant list answered ${JSON.stringify(listed)}`,
		);
		const revoked = await runAdmin(
			server.persistDir,
			[
				"grant",
				"revoke",
				"--email",
				alice.email,
				"--id",
				"NoSuchGrant00000",
				"--url",
				server.origin,
			],
			env,
		).then(
			() => "exit 0",
			(error: unknown) => String(error),
		);
		expect(
			revoked.includes("exit 1") && revoked.includes("answered 404"),
			`grant revoke of an unknown grant: ${revoked}`,
		);
	},
};
