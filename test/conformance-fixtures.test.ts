/**
 * The conformance fixtures (src/mcp/conformance/, issue 4): absent from the
 * Worker as deployed, present when `CONFORMANCE` is `"on"`. With the fixtures
 * on, the server is driven by the SDK's own client over an in-memory pair.
 * The same fixtures through a session object: test/with-fixtures/legacy-client-requests.test.ts.
 */
import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
	type CallToolResult,
	CallToolResultSchema,
	CreateMessageRequestSchema,
	ElicitRequestSchema,
	LoggingMessageNotificationSchema,
	type Progress,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createMcpServer } from "../src/mcp/server";
import { initialize, post, readResult, rpc, SERVER_TOOLS } from "./helpers/mcp";

/** The fixture tools, as the conformance scenarios call them. */
const FIXTURE_TOOLS = [
	"json_schema_2020_12_tool",
	"test_audio_content",
	"test_elicitation",
	"test_elicitation_sep1034_defaults",
	"test_elicitation_sep1330_enums",
	"test_embedded_resource",
	"test_error_handling",
	"test_image_content",
	"test_input_required_result_capabilities",
	"test_input_required_result_elicitation",
	"test_input_required_result_list_roots",
	"test_input_required_result_multi_round",
	"test_input_required_result_multiple_inputs",
	"test_input_required_result_request_state",
	"test_input_required_result_sampling",
	"test_input_required_result_tampered_state",
	"test_multiple_content_types",
	"test_reconnection",
	"test_sampling",
	"test_simple_text",
	"test_tool_with_logging",
	"test_tool_with_progress",
	// The 2026-07-28 scenarios' fixtures (fixture-stateless.ts).
	"test_logging_tool",
	"test_missing_capability",
	"test_streaming_elicitation",
	"test_trigger_prompt_change",
	"test_trigger_tool_change",
	"test_x_mcp_header",
];

/** A server with the fixtures on, as `wrangler dev --var CONFORMANCE:on` builds it. */
function fixtureServer() {
	return createMcpServer({
		env: { ...env, CONFORMANCE: "on" },
		session: () => undefined,
		role: () => null,
	});
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((closable) => closable.close()));
});

/** An SDK client (declaring sampling and elicitation by default) connected to a fixture server in memory. */
async function connectClient(
	capabilities: Record<string, unknown> = { sampling: {}, elicitation: {} },
): Promise<Client> {
	const server = fixtureServer();
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	await server.connect(serverSide);
	const client = new Client({ name: "fixture-test", version: "1.0.0" }, { capabilities });
	await client.connect(clientSide);
	open.push(client, server);
	return client;
}

describe("conformance fixtures in a normal deployment", () => {
	it("are absent: only the server's own tools, no resources, prompts or completions", async () => {
		const { sessionId, messages } = await initialize();
		const capabilities = messages[0]?.result?.capabilities as Record<string, unknown>;
		expect(Object.keys(capabilities).sort()).toEqual(["logging", "tools"]);

		const tools = await readResult(await post(rpc("tools/list"), { session: sessionId }));
		const names = ((tools.result?.tools ?? []) as Array<{ name: string }>).map((tool) => tool.name);
		expect(names.sort()).toEqual([...SERVER_TOOLS]);

		for (const method of ["resources/list", "prompts/list", "completion/complete"]) {
			const answer = await readResult(await post(rpc(method), { session: sessionId }));
			expect(answer.error?.code, method).toBe(-32601);
		}
	});

	it("stay off for any value of CONFORMANCE but on", async () => {
		const server = createMcpServer({
			env: { ...env, CONFORMANCE: "true" },
			session: () => undefined,
			role: () => null,
		});
		const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
		await server.connect(serverSide);
		const client = new Client({ name: "fixture-test", version: "1.0.0" });
		await client.connect(clientSide);
		open.push(client, server);
		expect(client.getServerCapabilities()?.prompts).toBeUndefined();
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual([...SERVER_TOOLS]);
	});
});

describe("conformance fixtures with CONFORMANCE=on", () => {
	it("declare resources with subscribe, prompts and completions, and list every fixture", async () => {
		const client = await connectClient();
		expect(client.getServerCapabilities()).toMatchObject({
			tools: { listChanged: true },
			logging: {},
			resources: { subscribe: true },
			prompts: { listChanged: true },
			completions: {},
		});
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(
			[...SERVER_TOOLS, ...FIXTURE_TOOLS].sort(),
		);
		const { resources } = await client.listResources();
		expect(resources.map((resource) => resource.uri).sort()).toEqual([
			"test://static-binary",
			"test://static-text",
			"test://watched-resource",
		]);
		for (const resource of resources) expect(resource.description).toBeTruthy();
		const { resourceTemplates } = await client.listResourceTemplates();
		expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
			"test://template/{id}/data",
		]);
		const { prompts } = await client.listPrompts();
		expect(prompts.map((prompt) => prompt.name).sort()).toEqual([
			"test_input_required_result_prompt",
			"test_prompt_with_arguments",
			"test_prompt_with_embedded_resource",
			"test_prompt_with_image",
			"test_simple_prompt",
		]);
		for (const prompt of prompts) expect(prompt.description).toBeTruthy();
	});

	it("json_schema_2020_12_tool lists its JSON Schema 2020-12 keywords exactly as written", async () => {
		const client = await connectClient();
		const { tools } = await client.listTools();
		const schema = tools.find((tool) => tool.name === "json_schema_2020_12_tool")?.inputSchema;
		expect(schema).toMatchObject({
			$schema: "https://json-schema.org/draft/2020-12/schema",
			$defs: { address: { $anchor: "addressDef", type: "object" } },
			properties: { address: { $ref: "#/$defs/address" } },
			allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
			if: { required: ["contactMethod"] },
			else: { required: ["email"] },
			additionalProperties: false,
		});
	});

	it("tools return text, image, audio, embedded resources and tool errors", async () => {
		const client = await connectClient();
		const call = (name: string) => client.callTool({ name, arguments: {} });
		expect((await call("test_simple_text")).content).toEqual([
			{ type: "text", text: "This is a simple text response for testing." },
		]);
		expect((await call("test_image_content")).content).toEqual([
			{ type: "image", mimeType: "image/png", data: expect.stringMatching(/^iVBORw0KGgo/) },
		]);
		expect((await call("test_audio_content")).content).toEqual([
			{ type: "audio", mimeType: "audio/wav", data: expect.stringMatching(/^UklGR/) },
		]);
		const mixed = (await call("test_multiple_content_types")).content as Array<{ type: string }>;
		expect(mixed.map((item) => item.type)).toEqual(["text", "image", "resource"]);
		const failed = await call("test_error_handling");
		expect(failed.isError).toBe(true);
		expect(failed.content).toEqual([
			{ type: "text", text: "This tool intentionally returns an error for testing" },
		]);
	});

	it("test_tool_with_logging and test_tool_with_progress notify during the call", async () => {
		const client = await connectClient();
		const logs: unknown[] = [];
		client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => {
			logs.push(note.params.data);
		});
		await client.setLoggingLevel("debug");
		await client.callTool({ name: "test_tool_with_logging", arguments: {} });
		expect(logs).toEqual([
			"Tool execution started",
			"Tool processing data",
			"Tool execution completed",
		]);

		const progress: Progress[] = [];
		await client.callTool(
			{ name: "test_tool_with_progress", arguments: {} },
			CallToolResultSchema,
			{ onprogress: (update) => progress.push(update) },
		);
		expect(progress.map((update) => [update.progress, update.total])).toEqual([
			[0, 100],
			[50, 100],
			[100, 100],
		]);
	});

	it("resources read, templates substitute, subscriptions answer {}", async () => {
		const client = await connectClient();
		expect((await client.readResource({ uri: "test://static-text" })).contents).toEqual([
			{
				uri: "test://static-text",
				mimeType: "text/plain",
				text: "This is the content of the static text resource.",
			},
		]);
		const [binary] = (await client.readResource({ uri: "test://static-binary" })).contents;
		expect(binary).toMatchObject({ mimeType: "image/png", blob: expect.any(String) });
		const [data] = (await client.readResource({ uri: "test://template/123/data" })).contents;
		expect(JSON.parse((data as { text: string }).text)).toEqual({
			id: "123",
			templateTest: true,
			data: "Data for ID: 123",
		});
		expect(await client.subscribeResource({ uri: "test://watched-resource" })).toEqual({});
		expect(await client.unsubscribeResource({ uri: "test://watched-resource" })).toEqual({});
	});

	it("prompts substitute arguments, embed resources and images, and complete arg1", async () => {
		const client = await connectClient();
		const withArgs = await client.getPrompt({
			name: "test_prompt_with_arguments",
			arguments: { arg1: "one", arg2: "two" },
		});
		expect(withArgs.messages).toEqual([
			{
				role: "user",
				content: { type: "text", text: "Prompt with arguments: arg1='one', arg2='two'" },
			},
		]);
		const embedded = await client.getPrompt({
			name: "test_prompt_with_embedded_resource",
			arguments: { resourceUri: "test://example-resource" },
		});
		expect(embedded.messages[0]?.content).toMatchObject({
			type: "resource",
			resource: { uri: "test://example-resource", mimeType: "text/plain" },
		});
		const image = await client.getPrompt({ name: "test_prompt_with_image" });
		expect(image.messages[0]?.content).toMatchObject({ type: "image", mimeType: "image/png" });
		const completion = await client.complete({
			ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
			argument: { name: "arg1", value: "te" },
		});
		expect(completion.completion.values).toEqual(["test", "testing"]);
	});

	it("sampling and elicitation work when one server sees the whole conversation", async () => {
		const client = await connectClient();
		client.setRequestHandler(CreateMessageRequestSchema, (request) => {
			expect(request.params.maxTokens).toBe(100);
			return {
				role: "assistant",
				content: {
					type: "text",
					text: `echo ${JSON.stringify(request.params.messages[0]?.content)}`,
				},
				model: "test-model",
			};
		});
		const elicited: unknown[] = [];
		client.setRequestHandler(ElicitRequestSchema, (request) => {
			elicited.push(request.params);
			return { action: "accept", content: { username: "ada", email: "ada@example.com" } };
		});

		const sampled = await client.callTool({ name: "test_sampling", arguments: { prompt: "hi" } });
		expect(sampled.content).toEqual([
			{ type: "text", text: 'LLM response: echo {"type":"text","text":"hi"}' },
		]);
		const answered = await client.callTool({
			name: "test_elicitation",
			arguments: { message: "Who are you?" },
		});
		expect(answered.content).toEqual([
			{
				type: "text",
				text: 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}',
			},
		]);
		await client.callTool({ name: "test_elicitation_sep1034_defaults", arguments: {} });
		expect(elicited[1]).toMatchObject({
			requestedSchema: {
				properties: {
					name: { type: "string", default: "John Doe" },
					age: { type: "integer", default: 30 },
					score: { type: "number", default: 95.5 },
					status: { type: "string", default: "active" },
					verified: { type: "boolean", default: true },
				},
			},
		});
	});

	it("sampling and elicitation refuse, sending nothing, when the client lacks the capability", async () => {
		const client = await connectClient({});
		const asked: unknown[] = [];
		client.fallbackRequestHandler = async (request) => {
			asked.push(request.method);
			return {};
		};
		for (const [name, args] of [
			["test_sampling", { prompt: "hi" }],
			["test_elicitation", { message: "Who are you?" }],
		] as const) {
			const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
			expect(result.isError, name).toBe(true);
			expect(result.content[0]).toMatchObject({
				type: "text",
				text: expect.stringMatching(/did not declare the required capability/),
			});
		}
		expect(asked).toEqual([]);
	});
});
