/**
 * The `agents` package's McpAgent serving the benchmark's one tool: Cloudflare's
 * own Durable-Object-per-session MCP server, the peer the project's legacy lane
 * is compared with. McpAgent is deprecated and runs on MCP SDK v1 only
 * (agents 0.32.0 docs/mcp-servers.md, "Upgrading an existing McpAgent server"),
 * hence the v1 `McpServer` here; it is a benchmark peer, nothing more.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { SIMPLE_TEXT, SIMPLE_TEXT_TOOL } from "./simple-text";

/** One object per MCP session, with `test_simple_text` only. */
export class SimpleTextAgent extends McpAgent {
	server = new McpServer({ name: "archon-bench-peer", version: "1.0.0" });

	async init(): Promise<void> {
		this.server.registerTool(
			SIMPLE_TEXT_TOOL,
			{ description: "Returns one text content item." },
			() => ({ content: [{ type: "text", text: SIMPLE_TEXT }] }),
		);
	}
}
