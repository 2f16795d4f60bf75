/**
 * Conformance fixtures of the 2026-07-28 `input-required-result-*`
 * scenarios (SEP-2322 multi-round-trip requests): tools and one prompt that
 * return `inputRequired(...)` until the retry carries what they asked for.
 * Names, messages and keys are the ones the scenarios send and check
 * (conformance/README.md). Served to a 2025 session, the same handlers get
 * their answers through the SDK's legacy shim as real server-to-client
 * requests. State that crosses rounds is sealed by `requestStateCodec`.
 */
import {
	acceptedContent,
	type CallToolResult,
	CLIENT_CAPABILITIES_META_KEY,
	type ClientCapabilities,
	type GetPromptResult,
	type InputRequests,
	type InputRequiredResult,
	inputRequired,
	inputResponse,
	type McpServer,
	type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { requestStateCodec } from "../request-state";
import type { ToolContext } from "../tool-context";
import { textResult as text } from "../tool-result";
import { samplingText } from "./fixture-client-requests";

type ToolReply = Promise<CallToolResult | InputRequiredResult>;

/** The state `test_input_required_result_multi_round` carries from one round to the next. */
interface RoundState {
	readonly round: 1 | 2;
	readonly name?: string;
}

const NAME = z.object({ name: z.string() });
const COLOR = z.object({ color: z.string() });

/** A one-field string form, as the scenarios spell it. */
function askFor(message: string, field: string) {
	return inputRequired.elicit({
		message,
		requestedSchema: {
			type: "object",
			properties: { [field]: { type: "string" } },
			required: [field],
		},
	});
}

/** The yes/no form of the request-state and tampered-state scenarios. */
const CONFIRM = inputRequired.elicit({
	message: "Please confirm",
	requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
});

const ASK_NAME = askFor("What is your name?", "name");

/** No arguments; built once per isolate, as the modern lane registers these per request. */
const NO_INPUT = z.object({});

/** Registers the input-required fixtures on `server`. */
export function registerFixtureInputRequired(server: McpServer, context: ToolContext): void {
	const codec = () => requestStateCodec(context.env);
	const tool = (name: string, description: string, handler: (ctx: ServerContext) => ToolReply) =>
		server.registerTool(name, { description, inputSchema: NO_INPUT }, (_args, ctx) => handler(ctx));

	tool(
		"test_input_required_result_elicitation",
		"Asks for the caller's name (in-band elicitation), then greets them.",
		async (ctx) => {
			const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_name", NAME);
			if (!answer) return inputRequired({ inputRequests: { user_name: ASK_NAME } });
			return text(`Hello, ${answer.name}!`);
		},
	);

	tool(
		"test_input_required_result_sampling",
		"Asks the client's LLM for the capital of France (in-band sampling).",
		async (ctx) => {
			const reply = inputResponse(ctx.mcpReq.inputResponses, "capital_question");
			if (reply.kind !== "sampling") {
				return inputRequired({
					inputRequests: {
						capital_question: inputRequired.createMessage({
							messages: [
								{ role: "user", content: { type: "text", text: "What is the capital of France?" } },
							],
							maxTokens: 100,
						}),
					},
				});
			}
			return text(`Sampling response: ${samplingText(reply.result.content)}`);
		},
	);

	tool(
		"test_input_required_result_list_roots",
		"Asks for the client's roots (in-band roots/list) and lists them.",
		async (ctx) => {
			const reply = inputResponse(ctx.mcpReq.inputResponses, "client_roots");
			if (reply.kind !== "roots") {
				return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
			}
			const uris = reply.roots.map((root) => root.uri).join(", ");
			return text(`Client exposed ${reply.roots.length} root(s): ${uris}`);
		},
	);

	/** Asks for a confirmation with sealed state until a retry brings both; `done` answers then. */
	const confirmWithState = (tool: string, done: string) => async (ctx: ServerContext) => {
		const confirmed = inputResponse(ctx.mcpReq.inputResponses, "confirm").kind === "elicit";
		// verify() already ran above the handler; a retry without state has nothing to prove.
		if (confirmed && ctx.mcpReq.requestState() !== undefined) return text(done);
		return inputRequired({
			inputRequests: { confirm: CONFIRM },
			requestState: await codec().mint({ tool }, ctx),
		});
	};
	tool(
		"test_input_required_result_request_state",
		"Asks for a confirmation with sealed requestState, and checks the state on the retry.",
		confirmWithState("request_state", "state-ok: requestState verified and confirmation received"),
	);
	tool(
		"test_input_required_result_tampered_state",
		"Asks for a confirmation with sealed requestState; a tampered echo is refused with -32602.",
		confirmWithState("tampered_state", "integrity-ok: requestState verified"),
	);

	tool(
		"test_input_required_result_multiple_inputs",
		"Asks for a name, an LLM greeting and the roots in one round.",
		async (ctx) => {
			const responses = ctx.mcpReq.inputResponses;
			const name = acceptedContent(responses, "user_name", NAME)?.name;
			const greeting = inputResponse(responses, "greeting");
			const roots = inputResponse(responses, "client_roots");
			if (name === undefined || greeting.kind !== "sampling" || roots.kind !== "roots") {
				return inputRequired({
					inputRequests: {
						user_name: ASK_NAME,
						greeting: inputRequired.createMessage({
							messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }],
							maxTokens: 50,
						}),
						client_roots: inputRequired.listRoots(),
					},
					requestState: await codec().mint({ tool: "multiple_inputs" }, ctx),
				});
			}
			const hello = samplingText(greeting.result.content);
			return text(`${hello} ${name} — ${roots.roots.length} root(s) visible`);
		},
	);

	tool(
		"test_input_required_result_multi_round",
		"Two elicitation rounds (name, then colour) whose progress lives in requestState.",
		async (ctx) => {
			const state = ctx.mcpReq.requestState<RoundState>();
			if (state?.round === 1) {
				const name = acceptedContent(ctx.mcpReq.inputResponses, "step1", NAME)?.name ?? "unknown";
				const next: RoundState = { round: 2, name };
				return inputRequired({
					inputRequests: { step2: askFor("Step 2: What is your favorite color?", "color") },
					requestState: await codec().mint(next, ctx),
				});
			}
			if (state?.round === 2) {
				const color = acceptedContent(ctx.mcpReq.inputResponses, "step2", COLOR)?.color;
				return text(`Multi-round complete: ${state.name ?? "unknown"} likes ${color ?? "unknown"}`);
			}
			const first: RoundState = { round: 1 };
			return inputRequired({
				inputRequests: { step1: askFor("Step 1: What is your name?", "name") },
				requestState: await codec().mint(first, ctx),
			});
		},
	);

	tool(
		"test_input_required_result_capabilities",
		"Requests only the input kinds the caller's declared capabilities cover.",
		async (ctx) => {
			if (ctx.mcpReq.inputResponses !== undefined) {
				return text("Capability-aware input requests fulfilled");
			}
			// Modern requests declare capabilities per request; a 2025 session declared them at initialize.
			// (The SDK's published types erase the envelope's keys.)
			const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
			const declared =
				(envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined) ??
				server.server.getClientCapabilities();
			const inputRequests: InputRequests = {};
			if (declared?.elicitation !== undefined) inputRequests.user_name = ASK_NAME;
			if (declared?.sampling !== undefined) {
				inputRequests.greeting = inputRequired.createMessage({
					messages: [
						{ role: "user", content: { type: "text", text: "Generate a short greeting" } },
					],
					maxTokens: 50,
				});
			}
			if (declared?.roots !== undefined) inputRequests.client_roots = inputRequired.listRoots();
			if (Object.keys(inputRequests).length === 0) {
				return text("No declared client capability supports an in-band input request");
			}
			return inputRequired({ inputRequests });
		},
	);

	server.registerPrompt(
		"test_input_required_result_prompt",
		{
			description:
				"A prompt that asks which context to use before it is built (in-band elicitation).",
		},
		async (ctx): Promise<GetPromptResult | InputRequiredResult> => {
			const answer = acceptedContent(
				ctx.mcpReq.inputResponses,
				"user_context",
				z.object({ context: z.string() }),
			);
			if (!answer) {
				return inputRequired({
					inputRequests: { user_context: askFor("What context should the prompt use?", "context") },
				});
			}
			return {
				messages: [
					{ role: "user", content: { type: "text", text: `Use this context: ${answer.context}` } },
				],
			};
		},
	);
}
