/**
 * `client timeout`: per-OAuth-client settings in `archon_oauth_client_settings`.
 * Clients themselves are registered with the OAuth provider (in KV), so the id
 * is not checked against them here.
 */
import { type AdminCommand, requiredFlag } from "./command-types.ts";
import { checkClientId, integerBetween } from "./inputs.ts";
import { nullableIntegerColumn, textColumn } from "./rows.ts";
import { sql } from "./sql.ts";
import { MAX_SESSION_TIMEOUT_SECONDS } from "./token-commands.ts";

const checkSeconds = integerBetween(1, MAX_SESSION_TIMEOUT_SECONDS);

/** `client timeout`: sets (or, with `default`, clears) a client's session idle timeout. */
export const clientTimeout: AdminCommand = {
	spec: {
		name: "client timeout",
		summary: "Set the session idle timeout of an OAuth client",
		flags: {
			"client-id": {
				value: "C",
				description: "OAuth client id",
				required: true,
				check: checkClientId,
			},
			seconds: {
				value: "S|default",
				description: "idle timeout in seconds, or default for the server's",
				required: true,
				check: (value) => (value === "default" ? undefined : checkSeconds(value)),
			},
		},
		example: "npm run admin -- client timeout --client-id Xy12abCD34efGH56 --seconds 900",
	},
	async run(flags, context) {
		const clientId = requiredFlag(flags, "client-id");
		const seconds = requiredFlag(flags, "seconds");
		const timeout = seconds === "default" ? null : Number(seconds);
		const [row] = await context.d1(sql`
			INSERT INTO archon_oauth_client_settings (client_id, session_timeout_seconds)
			VALUES (${clientId}, ${timeout})
			ON CONFLICT (client_id) DO UPDATE SET session_timeout_seconds = excluded.session_timeout_seconds
			RETURNING client_id, session_timeout_seconds`);
		const stored = row ? nullableIntegerColumn(row, "session_timeout_seconds") : timeout;
		const id = row ? textColumn(row, "client_id") : clientId;
		return {
			json: { client: { clientId: id, sessionTimeoutSeconds: stored } },
			text: [
				stored === null
					? `Sessions of client ${id} use the server's default idle timeout.`
					: `Sessions of client ${id} now end after ${stored} s without a request.`,
			],
		};
	},
};
