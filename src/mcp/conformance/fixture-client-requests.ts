/**
 * Conformance fixture tools of the 2025 suite that need the client's help in
 * the middle of the call: `test_sampling` and the three elicitation tools.
 *
 * Each is written once in the multi-round-trip style: while the answer is
 * missing it returns `inputRequired(...)`, and on re-entry it reads the answer
 * from `ctx.mcpReq.inputResponses`. A 2026-07-28 client gets `input_required`
 * and retries; a 2025 session gets a real `sampling/createMessage` or
 * `elicitation/create` on the call's SSE stream from the SDK's legacy shim,
 * whose answer (a separate POST) reaches this server because the session
 * object keeps it while the call runs (src/session/session-connection.ts).
 * A client that did not declare the capability gets an `isError` result.
 */
import {
	type CallToolResult,
	type ElicitRequestFormParams,
	type InputRequiredResult,
	inputRequired,
	inputResponse,
	type McpServer,
	type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { textResult } from "../tool-result";

/** The key of the one input request each of these tools makes. */
const ANSWER = "answer";

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

/** The username and email form of `test_elicitation`. */
const CONTACT_SCHEMA: ElicitRequestFormParams["requestedSchema"] = {
	type: "object",
	properties: {
		username: { type: "string", description: "User's response" },
		email: { type: "string", description: "User's email address" },
	},
	required: ["username", "email"],
};

type ToolReply = Promise<CallToolResult | InputRequiredResult>;

// Built once per isolate: the modern lane registers these per request.
const SAMPLING_INPUT = z.object({ prompt: z.string().describe("The prompt to send to the LLM") });
const ELICITATION_INPUT = z.object({
	message: z.string().describe("The message to show the user"),
});

/** Registers `test_sampling` and the three elicitation fixture tools on `server`. */
export function registerFixtureClientRequests(server: McpServer): void {
	server.registerTool(
		"test_sampling",
		{
			description: "Asks the client's LLM to complete `prompt` (sampling) and returns its reply.",
			inputSchema: SAMPLING_INPUT,
		},
		async ({ prompt }, ctx): ToolReply => {
			const reply = inputResponse(ctx.mcpReq.inputResponses, ANSWER);
			if (reply.kind !== "sampling") {
				return inputRequired({
					inputRequests: {
						[ANSWER]: inputRequired.createMessage({
							messages: [{ role: "user", content: { type: "text", text: prompt } }],
							maxTokens: 100,
						}),
					},
				});
			}
			return textResult(`LLM response: ${samplingText(reply.result.content)}`);
		},
	);

	server.registerTool(
		"test_elicitation",
		{
			description: "Asks the user for a username and an email address (elicitation).",
			inputSchema: ELICITATION_INPUT,
		},
		(args, ctx) => elicit(ctx, args.message, CONTACT_SCHEMA, "User response"),
	);
	server.registerTool(
		"test_elicitation_sep1034_defaults",
		{ description: "Elicits a form whose fields all carry defaults (SEP-1034)." },
		(ctx) =>
			elicit(
				ctx,
				"Please review and update the form fields with defaults",
				DEFAULTS_SCHEMA,
				"Elicitation completed",
			),
	);
	server.registerTool(
		"test_elicitation_sep1330_enums",
		{
			description:
				"Elicits a form with every enum form: titled, untitled, legacy, single and multi-select (SEP-1330).",
		},
		(ctx) =>
			elicit(
				ctx,
				"Please select options from the enum fields",
				ENUMS_SCHEMA,
				"Elicitation completed",
			),
	);
}

/** Asks for the form once, then reports the user's action and content after `label`. */
async function elicit(
	ctx: ServerContext,
	message: string,
	requestedSchema: ElicitRequestFormParams["requestedSchema"],
	label: string,
): ToolReply {
	const answer = inputResponse(ctx.mcpReq.inputResponses, ANSWER);
	if (answer.kind !== "elicit") {
		return inputRequired({
			inputRequests: { [ANSWER]: inputRequired.elicit({ message, requestedSchema }) },
		});
	}
	const content = JSON.stringify(answer.content ?? {});
	return textResult(`${label}: action=${answer.action}, content=${content}`);
}

/** The text of a sampling reply's first block, or the reply's JSON when that is not text. */
export function samplingText(content: unknown): string {
	const block: unknown = Array.isArray(content) ? content[0] : content;
	const candidate = block as { type?: unknown; text?: unknown } | undefined;
	return candidate?.type === "text" && typeof candidate.text === "string"
		? candidate.text
		: JSON.stringify(content);
}
