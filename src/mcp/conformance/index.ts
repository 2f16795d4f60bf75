/**
 * The fixtures of the official MCP conformance suite (issue 4): tools,
 * resources, a resource template, prompts, completion, resource
 * subscriptions, the multi-round-trip (input required) tools, and the tools
 * of the 2026-07-28 scenarios (`server-stateless`, `json-schema-2020-12`,
 * SEP-2243 headers), as `@modelcontextprotocol/conformance` expects them.
 * They are registered only when the Worker variable `CONFORMANCE` is `"on"`
 * (`conformance/run.ts` sets it), never in a deployment.
 *
 * @example
 * // src/mcp/server.ts
 * const fixtures = conformanceFixturesOn(context.env);
 * const server = new McpServer(info, {
 *   capabilities: { tools: {}, logging: {}, ...(fixtures ? CONFORMANCE_CAPABILITIES : {}) },
 * });
 * if (fixtures) registerConformanceFixtures(server, context);
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { McpServerOptions } from "../server";
import type { ToolContext } from "../tool-context";
import { registerFixtureClientRequests } from "./fixture-client-requests";
import { registerFixtureInputRequired } from "./fixture-input-required";
import { registerFixturePrompts } from "./fixture-prompts";
import { registerFixtureResources } from "./fixture-resources";
import { registerFixtureStateless } from "./fixture-stateless";
import { conformanceFixturesOn } from "./fixture-switch";
import { registerFixtureTools } from "./fixture-tools";

export { CONFORMANCE_CAPABILITIES, CONFORMANCE_ON, conformanceFixturesOn } from "./fixture-switch";

/**
 * Registers every conformance fixture on `server` when `context.env` turns
 * them on, and nothing otherwise. The server must declare
 * `CONFORMANCE_CAPABILITIES` for the prompts and subscriptions to be served.
 */
export function registerConformanceFixtures(
	server: McpServer,
	context: ToolContext,
	options: McpServerOptions = {},
): void {
	// Checked here as well as by the caller, so no call site can register the fixtures by mistake.
	if (!conformanceFixturesOn(context.env)) return;
	registerFixtureTools(server);
	registerFixtureClientRequests(server);
	registerFixtureInputRequired(server, context);
	registerFixtureResources(server, options.subscriptions);
	registerFixturePrompts(server);
	registerFixtureStateless(server, context);
}
