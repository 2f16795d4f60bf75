/**
 * Check 3: a tool call on an existing session succeeds and lands in
 * `archon_mcp_requests` with its duration and status.
 */
import { pollD1, sqlString } from "../../lib/d1.ts";
import { openSession, postMcp, toolsCallRequest } from "../../lib/mcp-http.ts";
import { type Check, expect } from "../check-runner.ts";
import { expectToolSuccess } from "../live-assertions.ts";
import { LIVE_CLIENT, type LiveContext, MIRROR_TIMEOUT_MS } from "../live-context.ts";

/** `tools/call health_check` answers a result and is tracked in D1. */
export const toolCallTracked: Check<LiveContext> = {
	name: "tool call on the existing session succeeds and is tracked in D1",
	async run({ server }) {
		const sessionId = await openSession(server.mcpUrl, LIVE_CLIENT);
		const reply = await postMcp(server.mcpUrl, toolsCallRequest(2, "health_check"), {
			sessionId,
		});
		const result = expectToolSuccess(reply, "tools/call health_check");
		const report = result.structuredContent as { status?: string } | undefined;
		expect(report?.status === "healthy", `health_check reported ${JSON.stringify(report)}`);

		const { rows, accepted } = await pollD1(
			server.persistDir,
			`SELECT tool_name, duration_ms, status, error_message FROM archon_mcp_requests
			 WHERE session_id = ${sqlString(sessionId)} AND method = 'tools/call'`,
			(found) => found.length > 0,
			MIRROR_TIMEOUT_MS,
		);
		const row = rows[0];
		expect(accepted && row, "no tools/call row in archon_mcp_requests");
		expect(
			row.tool_name === "health_check" &&
				typeof row.duration_ms === "number" &&
				row.duration_ms >= 0 &&
				row.status === "success",
			`request row is ${JSON.stringify(row)}`,
		);
	},
};
