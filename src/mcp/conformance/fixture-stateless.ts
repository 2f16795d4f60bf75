/**
 * Conformance fixtures of the 2026-07-28 scenarios about the server
 * definition rather than one content type: the tools `server-stateless` calls
 * by name, the change triggers its `subscriptions/listen` checks wait for, the
 * `x-mcp-header` tool of `http-custom-header-server-validation`, and the
 * JSON Schema 2020-12 tool of `json-schema-2020-12`, whose keywords must reach
 * `tools/list` exactly as written (so its schema is raw JSON, not zod).
 */

import type { ServerNotifier } from "@modelcontextprotocol/server";
import {
	type CallToolResult,
	fromJsonSchema,
	inputRequired,
	type McpServer,
} from "@modelcontextprotocol/server";
import { inSession, type ToolContext } from "../tool-context";
import { errorResult } from "../tool-result";

/** The `inputSchema` the `json-schema-2020-12` scenario compares `tools/list` against (SEP-1613, SEP-2106). */
const JSON_SCHEMA_2020_12 = {
	$schema: "https://json-schema.org/draft/2020-12/schema",
	type: "object",
	$defs: {
		address: {
			$anchor: "addressDef",
			type: "object",
			properties: { street: { type: "string" }, city: { type: "string" } },
		},
	},
	properties: {
		name: { type: "string" },
		address: { $ref: "#/$defs/address" },
		contactMethod: { type: "string", enum: ["phone", "email"] },
		phone: { type: "string" },
		email: { type: "string" },
	},
	allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
	if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
	// biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema 2020-12 keyword.
	then: { required: ["phone"] },
	else: { required: ["email"] },
	additionalProperties: false,
} as const;

/** A tool whose `region` argument clients mirror into the `Mcp-Param-Region` header (SEP-2243). */
const X_MCP_HEADER_SCHEMA = {
	type: "object",
	properties: {
		region: {
			type: "string",
			description: "Mirrored into Mcp-Param-Region",
			"x-mcp-header": "Region",
		},
		level: { type: "integer", description: "Not mirrored" },
	},
} as const;

// Schemas are built once per isolate: the modern lane builds a server, and registers these, per request.
const X_MCP_HEADER_INPUT = fromJsonSchema<{ region?: string; level?: number }>(X_MCP_HEADER_SCHEMA);
const JSON_SCHEMA_2020_12_INPUT = fromJsonSchema(JSON_SCHEMA_2020_12);

/** Registers the 2026-07-28 scenario fixtures on `server`. */
export function registerFixtureStateless(server: McpServer, context: ToolContext): void {
	const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });

	server.registerTool(
		"test_missing_capability",
		{ description: "Asks the client for an LLM completion, so it needs the sampling capability." },
		(extra) => {
			if (extra.mcpReq.inputResponses?.llm_answer !== undefined) return text("sampling done");
			// Checked against the request's declared capabilities before it leaves: -32021, HTTP 400.
			return inputRequired({
				inputRequests: {
					llm_answer: inputRequired.createMessage({
						messages: [{ role: "user", content: { type: "text", text: "Reply with: pong" } }],
						maxTokens: 16,
					}),
				},
			});
		},
	);
	server.registerTool(
		"test_streaming_elicitation",
		{ description: "Answers with a result only: its stream carries no request of the server's." },
		() => text("result only"),
	);
	server.registerTool(
		"test_logging_tool",
		{
			description: "Logs through the request, which delivers it only when _meta asks for a level.",
		},
		async (extra) => {
			await extra.mcpReq.log("info", "test_logging_tool ran");
			return text("logged");
		},
	);
	const trigger = (name: string, publish: (notify: ServerNotifier) => void) =>
		server.registerTool(
			name,
			{ description: "Publishes a list-changed event to this isolate's listen streams." },
			() => {
				if (inSession(context))
					return errorResult("Listen streams exist in protocol 2026-07-28 only.");
				publish(context.notify);
				return text("published");
			},
		);
	trigger("test_trigger_tool_change", (notify) => notify.toolsChanged());
	trigger("test_trigger_prompt_change", (notify) => notify.promptsChanged());

	server.registerTool(
		"test_x_mcp_header",
		{
			description: "Echoes its region, which arrives in the Mcp-Param-Region header as well.",
			inputSchema: X_MCP_HEADER_INPUT,
		},
		(args) => text(`region=${args.region ?? "none"}`),
	);
	server.registerTool(
		"json_schema_2020_12_tool",
		{
			description: "Takes arguments described with JSON Schema 2020-12 keywords.",
			inputSchema: JSON_SCHEMA_2020_12_INPUT,
		},
		(args) => text(`called with ${JSON.stringify(args)}`),
	);
}
