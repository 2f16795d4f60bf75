/**
 * Conformance fixture tools that ask the client something in the middle of
 * the call: `sampling/createMessage` and `elicitation/create`.
 *
 * Such a request goes out on the call's SSE stream and the client answers in
 * a separate POST. The session object builds a fresh MCP server for every
 * HTTP request (src/mcp/server.ts), so that answer reaches a server that never
 * sent the request. A server that did not itself handle the client's
 * `initialize` is such a per-request server: the tools then refuse at once
 * with an error result instead of sending a request nobody can answer. Where
 * one server sees the whole conversation (an in-memory transport in tests, or
 * a session object that one day routes answers back), they work as specified.
 */
import type {
	CallToolResult,
	ClientCapabilities,
	ElicitRequestFormParams,
	McpServer,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { errorResult } from "../tool-result";

/** Longest wait for the client's answer (10 seconds), so a lost answer cannot hold a call open. */
const CLIENT_ANSWER_TIMEOUT_MS = 10_000;

/** The answer-routing limit, in the words the tools return. */
const ANSWER_UNREACHABLE =
	"This server cannot receive the client's answer to a request sent during a tool call: it builds a new MCP server for every HTTP request, and the answer arrives in another one.";

/** SEP-1034: a default for every primitive type. */
const DEFAULTS_SCHEMA: ElicitRequestFormParams["requestedSchema"] = {
	type: "object",
	properties: {
		name: { type: "string", description: "User name", default: "John Doe" },
		age: { type: "integer", description: "User age", default: 30 },
		score: { type: "number", description: "User score", default: 95.5 },
		status: {
			type: "string",
			description: "User status",
			enum: ["active", "inactive", "pending"],
			default: "active",
		},
		verified: { type: "boolean", description: "Verification status", default: true },
	},
};

/** SEP-1330: the five enum forms, single- and multi-select, with and without titles. */
const ENUMS_SCHEMA: ElicitRequestFormParams["requestedSchema"] = {
	type: "object",
	properties: {
		untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
		titledSingle: {
			type: "string",
			oneOf: [
				{ const: "value1", title: "First Option" },
				{ const: "value2", title: "Second Option" },
				{ const: "value3", title: "Third Option" },
			],
		},
		legacyEnum: {
			type: "string",
			enum: ["opt1", "opt2", "opt3"],
			enumNames: ["Option One", "Option Two", "Option Three"],
		},
		untitledMulti: {
			type: "array",
			items: { type: "string", enum: ["option1", "option2", "option3"] },
		},
		titledMulti: {
			type: "array",
			items: {
				anyOf: [
					{ const: "value1", title: "First Choice" },
					{ const: "value2", title: "Second Choice" },
					{ const: "value3", title: "Third Choice" },
				],
			},
		},
	},
};

/** Registers `test_sampling` and the three elicitation fixture tools on `server`. */
export function registerFixtureClientRequests(server: McpServer): void {
	/** The client's capabilities, or an error result when the tool cannot ask the client. */
	const askable = (capability: "sampling" | "elicitation"): CallToolResult | undefined => {
		const capabilities: ClientCapabilities | undefined = server.server.getClientCapabilities();
		if (capabilities === undefined) return errorResult(ANSWER_UNREACHABLE);
		if (capabilities[capability] === undefined) {
			return errorResult(`The client did not declare the ${capability} capability.`);
		}
		return undefined;
	};
	const options = { timeout: CLIENT_ANSWER_TIMEOUT_MS };

	server.registerTool(
		"test_sampling",
		{
			description: "Asks the client's LLM to complete `prompt` (sampling) and returns its reply.",
			inputSchema: { prompt: z.string().describe("The prompt to send to the LLM") },
		},
		async ({ prompt }, extra) => {
			const refusal = askable("sampling");
			if (refusal) return refusal;
			const reply = await extra.mcpReq.send(
				{
					method: "sampling/createMessage",
					params: {
						messages: [{ role: "user", content: { type: "text", text: prompt } }],
						maxTokens: 100,
					},
				},
				options,
			);
			const block = Array.isArray(reply.content) ? reply.content[0] : reply.content;
			const text = block?.type === "text" ? block.text : `[${block?.type ?? "empty"}]`;
			return { content: [{ type: "text", text: `LLM response: ${text}` }] };
		},
	);

	server.registerTool(
		"test_elicitation",
		{
			description: "Asks the user for a username and an email address (elicitation).",
			inputSchema: { message: z.string().describe("The message to show the user") },
		},
		async ({ message }, extra) => {
			const refusal = askable("elicitation");
			if (refusal) return refusal;
			const answer = await extra.mcpReq.send(
				{
					method: "elicitation/create",
					params: {
						message,
						requestedSchema: {
							type: "object",
							properties: {
								username: { type: "string", description: "User's response" },
								email: { type: "string", description: "User's email address" },
							},
							required: ["username", "email"],
						},
					},
				},
				options,
			);
			const content = JSON.stringify(answer.content ?? {});
			return {
				content: [
					{ type: "text", text: `User response: action=${answer.action}, content=${content}` },
				],
			};
		},
	);

	const elicitForm = (
		name: string,
		description: string,
		message: string,
		schema: ElicitRequestFormParams["requestedSchema"],
	) =>
		server.registerTool(name, { description }, async (extra) => {
			const refusal = askable("elicitation");
			if (refusal) return refusal;
			const answer = await extra.mcpReq.send(
				{ method: "elicitation/create", params: { message, requestedSchema: schema } },
				options,
			);
			const content = JSON.stringify(answer.content ?? {});
			return {
				content: [
					{
						type: "text",
						text: `Elicitation completed: action=${answer.action}, content=${content}`,
					},
				],
			};
		});

	elicitForm(
		"test_elicitation_sep1034_defaults",
		"Elicits a form whose fields all carry defaults (SEP-1034).",
		"Please review and update the form fields with defaults",
		DEFAULTS_SCHEMA,
	);
	elicitForm(
		"test_elicitation_sep1330_enums",
		"Elicits a form with every enum form: titled, untitled, legacy, single and multi-select (SEP-1330).",
		"Please select options from the enum fields",
		ENUMS_SCHEMA,
	);
}
