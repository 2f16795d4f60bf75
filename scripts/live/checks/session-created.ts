/**
 * Check 2: `initialize` creates a session and the D1 mirror records it.
 */
import { openSession } from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectSessionRow } from "../live-assertions.ts";
import { LIVE_CLIENT, LIVE_CLIENT_TYPE, type LiveContext } from "../live-context.ts";

/** A new session gets an id and an `active` D1 row with the client's type, raw name and version. */
export const sessionCreated: Check<LiveContext> = {
	name: "session created and persisted to D1 as active with client type, name and version",
	async run({ server }) {
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT);
		const row = await expectSessionRow(
			server,
			sessionId,
			(found) => found.status === "active",
			"new session",
		);
		expect(
			row.client_type === LIVE_CLIENT_TYPE &&
				row.client_name === LIVE_CLIENT.name &&
				row.client_version === LIVE_CLIENT.version,
			`client_type/client_name/client_version are ${row.client_type}/${row.client_name}/${row.client_version}, expected ${LIVE_CLIENT_TYPE}/${LIVE_CLIENT.name}/${LIVE_CLIENT.version}`,
		);
	},
};
