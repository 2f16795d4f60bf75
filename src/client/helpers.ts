/**
 * One-off helpers for scripts and health probes that need no long-lived client.
 */

import type { CallToolResult } from "@modelcontextprotocol/client";
import { type CallToolOptions, MCPClient } from "./mcp-client.js";
import type { MCPClientOptions } from "./options.js";

/**
 * Opens a session, calls one tool, and closes the session (HTTP DELETE), with
 * the same retries and session renewal as `MCPClient`.
 *
 * @example
 * const result = await callMcpTool("health_check", {}, { url: "http://127.0.0.1:8787/mcp" });
 */
export async function callMcpTool(
	name: string,
	args: Record<string, unknown>,
	options: MCPClientOptions & CallToolOptions,
): Promise<CallToolResult> {
	await using client = new MCPClient(options);
	return await client.callTool(name, args, options);
}

/**
 * True exactly when the server answers `GET /health` with `status: "healthy"`;
 * false on a degraded report and on any error, a dead URL or a bad option included.
 *
 * @example
 * if (!(await checkMcpHealth("https://archon.example.com/mcp"))) alertOnCall();
 */
export async function checkMcpHealth(
	url: string | URL,
	options: Omit<MCPClientOptions, "url"> = {},
): Promise<boolean> {
	try {
		await using client = new MCPClient({ ...options, url });
		const report = await client.health();
		return report.status === "healthy";
	} catch {
		return false;
	}
}
