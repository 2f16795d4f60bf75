/**
 * The one MCP server definition both eras are served from: the legacy lane
 * builds it inside a session object for each HTTP request, the modern lane
 * (`src/modern/`) for each 2026-07-28 request. A fresh server per request
 * keeps nothing in memory between requests, so a session survives eviction
 * and restarts by construction.
 */
import { McpServer, type ServerOptions } from "@modelcontextprotocol/server";
import { SERVER_NAME, SERVER_VERSION } from "../version";
import {
	CONFORMANCE_CAPABILITIES,
	conformanceFixturesOn,
	registerConformanceFixtures,
} from "./conformance";
import type { ToolContext } from "./tool-context";
import { registerHealthCheck } from "./tools/health-check";
import { registerSessionInfo } from "./tools/session-info";

/**
 * Cache hints of the 2026-07-28 cacheable results (`ttlMs`, `cacheScope`;
 * 2025 answers never carry them). What `server/discover` and the lists say
 * changes only with a deployment and is the same for every user, so shared
 * caches may keep it for 5 minutes; a resource read stays the SDK's
 * conservative default (not cached, private).
 */
const CACHE_HINTS: ServerOptions["cacheHints"] = {
	"server/discover": { ttlMs: 300_000, cacheScope: "public" },
	"tools/list": { ttlMs: 300_000, cacheScope: "public" },
	"prompts/list": { ttlMs: 300_000, cacheScope: "public" },
	"resources/list": { ttlMs: 300_000, cacheScope: "public" },
	"resources/templates/list": { ttlMs: 300_000, cacheScope: "public" },
};

/** The tools every session offers, one registration function per file in `tools/`. */
const TOOLS = [registerHealthCheck, registerSessionInfo] as const;

/** Creates an MCP server with every tool registered against `context`. */
export function createMcpServer(context: ToolContext): McpServer {
	const fixtures = conformanceFixturesOn(context.env);
	const server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION, title: "Archon MCP" },
		{
			capabilities: { tools: {}, logging: {}, ...(fixtures ? CONFORMANCE_CAPABILITIES : {}) },
			instructions:
				"Archon MCP server. Call health_check to see server status and session_info to see how the server identifies you.",
			cacheHints: CACHE_HINTS,
		},
	);
	for (const register of TOOLS) register(server, context);
	// Test fixtures of the official conformance suite, only with CONFORMANCE=on (issue 4).
	if (fixtures) registerConformanceFixtures(server, context);
	return server;
}
