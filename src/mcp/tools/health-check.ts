/**
 * Tool `health_check`: server status, version, uptime and D1 reachability.
 * With a progress token, it reports progress as it goes, which streams over SSE.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { readConfig } from "../../config";
import { checkHealth } from "../../health/health";
import type { ToolContext } from "../tool-context";
import { jsonResult } from "../tool-result";

/** Registers `health_check` on `server`. */
export function registerHealthCheck(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"health_check",
		{
			title: "Health check",
			description:
				"Reports the Archon MCP server's health: status, version, uptime and whether its database answers.",
			annotations: { readOnlyHint: true, openWorldHint: false },
		},
		async (extra) => {
			const progressToken = extra.mcpReq._meta?.progressToken;
			const progress = async (value: number, message: string) => {
				if (progressToken === undefined) return;
				await extra.mcpReq.notify({
					method: "notifications/progress",
					params: { progressToken, progress: value, total: 2, message },
				});
			};
			await progress(0, "checking database");
			const report = await checkHealth(context.env.DB, readConfig(context.env));
			await progress(2, "done");
			return jsonResult({ ...report });
		},
	);
}
