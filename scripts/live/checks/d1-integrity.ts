/**
 * Check 8: the D1 mirror agrees with the session objects. No request row
 * without its session, and no `active` row for a session that is gone.
 */
import { queryD1, sqlString } from "../../lib/d1.ts";
import { openSession, pingRequest, postMcp } from "../../lib/mcp-http.ts";
import { delay } from "../../lib/process-group.ts";
import { type Check, expect } from "../check-runner.ts";
import { SESSION_NOT_FOUND_CODE } from "../live-assertions.ts";
import { LIVE_CLIENT, type LiveContext } from "../live-context.ts";

/** Most active rows probed (the suite makes a handful; the cap keeps the check bounded). */
const MAX_ACTIVE_PROBED = 100;

/**
 * Orphan request rows via LEFT JOIN (a legacy row without its session row; a
 * modern row has no session by design, and must name none); each `active`
 * row pinged with its id.
 * A ping may find a session that expired a moment ago and end it on the spot;
 * that is consistent as long as the row then turns `expired`, so such rows are
 * read again once before being reported.
 */
export const d1Integrity: Check<LiveContext> = {
	name: "D1 integrity (no orphan request rows, no active row without its session)",
	async run({ server }) {
		const [orphans] = await queryD1(
			server.persistDir,
			`SELECT COUNT(*) AS n FROM archon_mcp_requests r
			 LEFT JOIN archon_mcp_sessions s ON s.session_id = r.session_id
			 WHERE (r.era = 'legacy' AND s.session_id IS NULL)
			    OR (r.era = 'modern' AND r.session_id IS NOT NULL)`,
		);
		expect(orphans?.n === 0, `${orphans?.n} request rows do not match their era's session rule`);

		// The earlier checks' sessions may all have expired by now (10 s idle): a fresh one makes
		// sure at least one active row is probed, so this half of the check cannot pass on nothing.
		const fresh = await openSession(server.mcpUrl, LIVE_CLIENT);
		const active = await queryD1(
			server.persistDir,
			`SELECT session_id FROM archon_mcp_sessions WHERE status = 'active'
			 ORDER BY session_id = ${sqlString(fresh)} DESC LIMIT ${MAX_ACTIVE_PROBED}`,
		);
		expect(
			active.some((row) => row.session_id === fresh),
			"the session just opened has no active row in D1",
		);
		const gone: string[] = [];
		for (const row of active) {
			const sessionId = String(row.session_id);
			const reply = await postMcp(server.mcpUrl, pingRequest(1), { sessionId });
			if (reply.status === 404 && reply.messages[0]?.error?.code === SESSION_NOT_FOUND_CODE) {
				gone.push(sessionId);
			} else {
				expect(reply.status === 200, `ping of active session answered ${reply.status}`);
			}
		}
		if (gone.length === 0) return;
		// Give the background mirror of a just-expired session time to land, then read once more.
		await delay(2_000);
		const still = await queryD1(
			server.persistDir,
			`SELECT session_id FROM archon_mcp_sessions WHERE status = 'active'
			 AND session_id IN (${gone.map(sqlString).join(", ")})`,
		);
		expect(
			still.length === 0,
			`${still.length} of ${active.length} active rows name sessions that answer 404: ${still
				.map((row) => String(row.session_id).slice(0, 8))
				.join(", ")}`,
		);
	},
};
