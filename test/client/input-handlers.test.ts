/**
 * `onElicitation`, `onSampling` and `onRoots`: a 2026-07-28 server's
 * `input_required` results answered in rounds (each round a new JSON-RPC
 * id), the `maxRounds` bound and its typed error, a 2025-era server's pushed
 * requests answered by the same handlers, and capabilities advertised only
 * for the handlers given.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { ElicitationHandler, ElicitRequestParams, ElicitResult } from "../../src/client/index";
import { type FixtureServer, legacyFixture, modernFixture } from "./fixture-servers";
import { forgetEras, RecordingFetch, testClient } from "./harness";

/** Where the fixtures are reached; never dialled. */
const FIXTURE_URL = "http://fixture.test/mcp";

const CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities";

/** An elicitation handler that answers the greet tool's two forms and records what it saw. */
function formFiller(name: string) {
	const asked: { message: string; era: string }[] = [];
	const handler: ElicitationHandler = (request: ElicitRequestParams, context): ElicitResult => {
		asked.push({ message: request.message, era: context.era });
		if (request.message === "Your name?") return { action: "accept", content: { name } };
		return { action: "accept", content: { confirm: true } };
	};
	return { asked, handler };
}

function fixtureClient(server: FixtureServer, options: Parameters<typeof testClient>[1] = {}) {
	const recorder = new RecordingFetch(undefined, server.fetch);
	return { recorder, client: testClient(recorder, { url: FIXTURE_URL, ...options }) };
}

/** The text of a tool result's first content block. */
function textOf(result: { content: { type: string; text?: string }[] }): string | undefined {
	return result.content[0]?.text;
}

beforeEach(forgetEras);

describe("2026-07-28: input_required answered in rounds", () => {
	it("answers two rounds of elicitation through onElicitation, each retry a new request id", async () => {
		const { asked, handler } = formFiller("Ada");
		const { recorder, client } = fixtureClient(modernFixture(), { onElicitation: handler });

		const result = await client.callTool("greet");

		expect(textOf(result)).toBe("Hello, Ada");
		expect(client.protocolEra).toBe("modern");
		expect(asked).toEqual([
			{ message: "Your name?", era: "modern" },
			{ message: "Greet Ada?", era: "modern" },
		]);
		const calls = recorder.of("tools/call");
		expect(calls).toHaveLength(3);
		expect(new Set(calls.map((call) => call.rpcId)).size).toBe(3);
		// The retries echo the server's requestState and carry the answers.
		expect(calls[1]?.body?.params).toMatchObject({
			requestState: "asked-name",
			inputResponses: { name: { action: "accept", content: { name: "Ada" } } },
		});
		expect(calls[2]?.body?.params).toMatchObject({ requestState: "name:Ada" });
		await client.close();
	});

	it("answers sampling and roots in one round", async () => {
		const { client } = fixtureClient(modernFixture(), {
			onSampling: (request, context) => ({
				model: "test-model",
				role: "assistant",
				content: { type: "text", text: `summary of ${request.messages.length} (${context.era})` },
			}),
			onRoots: () => [{ uri: "file:///work/a" }, { uri: "file:///work/b", name: "B" }],
		});

		const result = await client.callTool("summarize_roots");

		expect(textOf(result)).toBe("summary of 1 (modern) over file:///work/a,file:///work/b");
		await client.close();
	});

	it("stops after maxRounds with INPUT_ROUNDS_EXCEEDED", async () => {
		let answered = 0;
		const { recorder, client } = fixtureClient(modernFixture(), {
			maxRounds: 3,
			onElicitation: () => {
				answered++;
				return { action: "accept", content: { confirm: true } };
			},
		});

		await expect(client.callTool("ask_forever")).rejects.toMatchObject({
			name: "MCPClientError",
			code: "INPUT_ROUNDS_EXCEEDED",
		});
		// The first call, then three answered rounds; the fourth request for input is refused.
		expect(recorder.of("tools/call")).toHaveLength(4);
		expect(answered).toBe(3);
		await client.close();
	});

	it("without a handler the capability is not advertised, and the call fails cleanly", async () => {
		const { recorder, client } = fixtureClient(modernFixture());

		await expect(client.callTool("greet")).rejects.toMatchObject({ name: "MCPClientError" });

		const probe = recorder.of("server/discover")[0];
		expect(probe?.body?.params?._meta?.[CAPABILITIES_META]).toEqual({});
		await client.close();
	});

	it("advertises exactly the capabilities of the handlers given", async () => {
		const { recorder, client } = fixtureClient(modernFixture(), {
			onElicitation: formFiller("x").handler,
			onRoots: () => [],
		});
		await client.callTool("hello");

		for (const exchange of [...recorder.of("server/discover"), ...recorder.of("tools/call")]) {
			expect(exchange.body?.params?._meta?.[CAPABILITIES_META]).toEqual({
				elicitation: { form: { applyDefaults: true } },
				roots: {},
			});
		}
		await client.close();
	});
});

describe("2025 era: the server pushes its requests during the call", () => {
	it("sends elicitation/create on the call's stream; the same handler answers both rounds", async () => {
		const { asked, handler } = formFiller("Grace");
		const { recorder, client } = fixtureClient(legacyFixture(), {
			protocol: "legacy",
			onElicitation: handler,
		});

		const result = await client.callTool("greet");

		expect(textOf(result)).toBe("Hello, Grace");
		expect(client.protocolEra).toBe("legacy");
		expect(asked).toEqual([
			{ message: "Your name?", era: "legacy" },
			{ message: "Greet Grace?", era: "legacy" },
		]);
		// One tools/call; the answers went back as JSON-RPC responses in their own POSTs.
		expect(recorder.of("tools/call")).toHaveLength(1);
		const initialize = recorder.of("initialize")[0];
		expect(initialize?.body?.params?.capabilities).toEqual({
			elicitation: { form: { applyDefaults: true } },
		});
		await client.close();
	});

	it("answers pushed sampling/createMessage and roots/list", async () => {
		const { client } = fixtureClient(legacyFixture(), {
			protocol: "legacy",
			onSampling: () => ({
				model: "m",
				role: "assistant",
				content: { type: "text", text: "short" },
			}),
			onRoots: () => [{ uri: "file:///r" }],
		});

		const result = await client.callTool("summarize_roots");

		expect(textOf(result)).toBe("short over file:///r");
		await client.close();
	});

	it("without a handler nothing is advertised and the server's tool reports it cannot ask", async () => {
		const { recorder, client } = fixtureClient(legacyFixture(), { protocol: "legacy" });

		const result = await client.callTool("greet");

		expect(result.isError).toBe(true);
		expect(recorder.of("initialize")[0]?.body?.params?.capabilities).toEqual({});
		await client.close();
	});
});

describe("tool errors", () => {
	it("returns an isError result as an answer, and throws TOOL with throwOnToolError", async () => {
		const { client } = fixtureClient(modernFixture());

		const answer = await client.callTool("fail");
		expect(answer).toMatchObject({ isError: true });

		await expect(client.callTool("fail", {}, { throwOnToolError: true })).rejects.toMatchObject({
			name: "MCPClientError",
			code: "TOOL",
			message: 'Tool "fail" failed: it broke',
			toolResult: { isError: true },
		});
		await client.close();
	});
});
